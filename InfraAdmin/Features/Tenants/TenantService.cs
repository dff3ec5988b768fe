using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Components.Shared;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data;
using InfraAdmin.Data.Migrations;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Tenants;

/// <summary>
/// Tenants, their settings (tenant_config) and policies (tenant_policies), for staff (tenants.view / tenants.manage,
/// any tenant) and tenant admins (their own tenant only: pass no id; any other id is refused).
/// </summary>
public sealed class TenantService(
    IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, TenantNotifications notifications, TimeProvider clock,
    ViewerProfiles viewers)
{
    // ---- staff list and tenant header ----

    public async Task<TenantListPage> ListAsync(TenantListQuery query, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Tenants.View);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var (total, page) = await dbFactory.CountAndPageAsync(
            db => Filtered(db, query).CountAsync(ct),
            db => Sort(Rows(db, query), query.SortBy, query.Descending).ThenBy(r => r.Id)
                .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToListAsync(ct),
            ct);
        return new TenantListPage(total, page);
    }

    /// <summary>Every tenant the list's search and filters find, in its order, for the CSV export.</summary>
    public async Task<IReadOnlyList<TenantListRow>> ExportAsync(TenantListQuery query, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Tenants.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Sort(Rows(db, query), query.SortBy, query.Descending).ThenBy(r => r.Id).Take(Csv.MaxRows).ToListAsync(ct);
    }

    private static IQueryable<Tenant> Filtered(InfraAdminDbContext db, TenantListQuery query)
    {
        var tenants = db.Tenants.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = SqlLike.Containing(query.Search);
            tenants = tenants.Where(t => EF.Functions.ILike(t.Name, pattern) || EF.Functions.ILike(t.Slug, pattern));
        }
        if (!string.IsNullOrWhiteSpace(query.Plan)) tenants = tenants.Where(t => t.Plan == query.Plan);
        if (!string.IsNullOrWhiteSpace(query.Status)) tenants = tenants.Where(t => t.Status == query.Status);
        return tenants;
    }

    /// <summary>
    /// The tenants with their numbers of users and domains as the triggers keep them (<see cref="TenantCounts"/>, one row
    /// per tenant, read with SQL: the EF model does not map the table). Sorted by a count, a join that the count's index
    /// drives; sorted otherwise, a sub-select per row, which PostgreSQL evaluates for the page's rows only, after the sort
    /// and the limit (a join would pair every tenant with its counts before sorting them).
    /// </summary>
    private static IQueryable<TenantListRow> Rows(InfraAdminDbContext db, TenantListQuery query)
    {
        var tenants = Filtered(db, query);
        var counts = db.Database.SqlQueryRaw<KeptCounts>(KeptCountsSql);
        var counted = query.SortBy is nameof(TenantListRow.Users) or nameof(TenantListRow.Domains)
            ? tenants.Join(counts, t => t.Id, c => c.TenantId, (t, c) => new { t, c.Users, c.Domains })
            : tenants.Select(t => new
            {
                t,
                Users = counts.Where(c => c.TenantId == t.Id).Select(c => c.Users).FirstOrDefault(),
                Domains = counts.Where(c => c.TenantId == t.Id).Select(c => c.Domains).FirstOrDefault(),
            });
        return counted.Select(x => new TenantListRow
        {
            Id = x.t.Id, Name = x.t.Name, Slug = x.t.Slug, Plan = x.t.Plan, Status = x.t.Status, MonthlyRevenue = x.t.MonthlyRevenue,
            Users = x.Users, Domains = x.Domains,
        });
    }

    private static readonly string KeptCountsSql = $"SELECT tenant_id, users, domains FROM {TenantCounts.Table}";

    private sealed class KeptCounts
    {
        public Guid TenantId { get; init; }
        public int Users { get; init; }
        public int Domains { get; init; }
    }

    private static IOrderedQueryable<TenantListRow> Sort(IQueryable<TenantListRow> q, string? by, bool desc) => by switch
    {
        nameof(TenantListRow.Plan) => desc ? q.OrderByDescending(r => r.Plan) : q.OrderBy(r => r.Plan),
        nameof(TenantListRow.Status) => desc ? q.OrderByDescending(r => r.Status) : q.OrderBy(r => r.Status),
        nameof(TenantListRow.MonthlyRevenue) => desc ? q.OrderByDescending(r => r.MonthlyRevenue) : q.OrderBy(r => r.MonthlyRevenue),
        nameof(TenantListRow.Users) => desc ? q.OrderByDescending(r => r.Users) : q.OrderBy(r => r.Users),
        nameof(TenantListRow.Domains) => desc ? q.OrderByDescending(r => r.Domains) : q.OrderBy(r => r.Domains),
        _ => desc ? q.OrderByDescending(r => r.Name) : q.OrderBy(r => r.Name),
    };

    public async Task<TenantEditForm> GetTenantAsync(Guid tenantId, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Tenants.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId)
            .Select(t => new TenantEditForm { Name = t.Name, Plan = t.Plan, Status = t.Status, MonthlyRevenue = t.MonthlyRevenue, Version = t.Version })
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException("This tenant does not exist.");
    }

    public async Task<uint> UpdateTenantAsync(Guid tenantId, TenantEditForm form, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Tenants.Manage);
        ValidationFailedException.ThrowIfAny(TenantRules.Validate(form));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.FindVersionedAsync<Tenant>(t => t.Id == tenantId, form.Version, "This tenant does not exist.", ct);
        tenant.Name = form.Name.Trim();
        tenant.Plan = form.Plan;
        tenant.Status = form.Status;
        tenant.MonthlyRevenue = form.MonthlyRevenue;
        db.AuditAction = AuditActions.TenantUpdate;
        await db.SaveOrStaleAsync(ct);
        return tenant.Version;
    }

    // ---- settings (tenant_config) ----

    public async Task<TenantSettingsView> GetSettingsAsync(Guid? tenantId, CancellationToken ct = default)
    {
        var scope = await ResolveAsync(tenantId, write: false);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = await TenantNameAsync(db, scope.TenantId, ct);
        var config = await db.TenantConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == scope.TenantId, ct);
        return new TenantSettingsView(scope.TenantId, name, ToForm(config), scope.CanWrite, scope.IsStaffManager);
    }

    /// <summary>Saves the settings; returns the new version. Mails the billing email when billing details change and the tenant asked for it.</summary>
    public async Task<uint> SaveSettingsAsync(Guid? tenantId, TenantSettingsForm form, CancellationToken ct = default)
    {
        var scope = await ResolveAsync(tenantId, write: true);
        ValidationFailedException.ThrowIfAny(TenantRules.Validate(form));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await TenantNameAsync(db, scope.TenantId, ct);
        var config = await db.FindOrCreateAsync(c => c.TenantId == scope.TenantId, () => new TenantConfig { TenantId = scope.TenantId },
            form.Exists, form.Version, ct);
        var before = ToForm(config);
        if (!scope.IsStaffManager && Blank(form.StripeCustomerId) != before.StripeCustomerId)
            throw new PermissionDeniedException("Only staff with tenants.manage can change the Stripe customer id.");
        Apply(config, form, scope.IsStaffManager);
        db.AuditAction = AuditActions.TenantSettingsUpdate;
        await db.SaveOrStaleAsync(ct);
        // The saver's next page shows the new look at once; everyone else's follows the change feed.
        if (await currentUser.GetUserIdAsync() is { } saver) viewers.Forget(saver);
        var after = ToForm(config);
        if (after.NotifyOnBillingChanges && BillingChanged(before, after))
            await notifications.BillingChangedAsync(scope.TenantId, before, after, ct);
        return config.Version;
    }

    private static void Apply(TenantConfig c, TenantSettingsForm f, bool stripe)
    {
        c.BillingEmail = Blank(f.BillingEmail);
        c.BillingAddress = AddressJson(f);
        c.NotifyOnBillingChanges = f.NotifyOnBillingChanges;
        c.NotifyOnSystemUpdates = f.NotifyOnSystemUpdates;
        c.NotifyOnSecurityAlerts = f.NotifyOnSecurityAlerts;
        c.ThemePrimaryColor = Blank(f.PrimaryColor)?.ToUpperInvariant();
        c.ThemeLogoUrl = Blank(f.LogoUrl);
        c.ThemeFaviconUrl = Blank(f.FaviconUrl);
        c.UiSidebarDefaultCollapsed = f.SidebarCollapsed;
        c.UiDateFormat = Blank(f.DateFormat);
        c.UiTimezone = Blank(f.TimeZone);
        if (stripe) c.StripeCustomerId = Blank(f.StripeCustomerId);
    }

    private static JsonDocument? AddressJson(TenantSettingsForm f)
    {
        var address = new Dictionary<string, string>();
        void Add(string key, string? value) { if (Blank(value) is { } v) address[key] = v; }
        Add("line1", f.AddressLine1); Add("line2", f.AddressLine2); Add("city", f.City); Add("region", f.Region);
        Add("postal_code", f.PostalCode); Add("country", f.Country?.Trim().ToUpperInvariant());
        return address.Count == 0 ? null : JsonSerializer.SerializeToDocument(address);
    }

    private static TenantSettingsForm ToForm(TenantConfig? c)
    {
        string? Part(string key) => c?.BillingAddress is { } doc && doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new TenantSettingsForm
        {
            Exists = c is not null, Version = c?.Version ?? 0,
            BillingEmail = c?.BillingEmail, AddressLine1 = Part("line1"), AddressLine2 = Part("line2"), City = Part("city"),
            Region = Part("region"), PostalCode = Part("postal_code"), Country = Part("country"),
            NotifyOnBillingChanges = c?.NotifyOnBillingChanges ?? false, NotifyOnSystemUpdates = c?.NotifyOnSystemUpdates ?? false,
            NotifyOnSecurityAlerts = c?.NotifyOnSecurityAlerts ?? false,
            PrimaryColor = c?.ThemePrimaryColor, LogoUrl = c?.ThemeLogoUrl, FaviconUrl = c?.ThemeFaviconUrl,
            SidebarCollapsed = c?.UiSidebarDefaultCollapsed ?? false, DateFormat = c?.UiDateFormat, TimeZone = c?.UiTimezone,
            StripeCustomerId = c?.StripeCustomerId,
        };
    }

    private static bool BillingChanged(TenantSettingsForm a, TenantSettingsForm b) =>
        a.BillingEmail != b.BillingEmail || a.AddressLine1 != b.AddressLine1 || a.AddressLine2 != b.AddressLine2 || a.City != b.City
        || a.Region != b.Region || a.PostalCode != b.PostalCode || a.Country != b.Country || a.StripeCustomerId != b.StripeCustomerId;

    // ---- policies (tenant_policies) ----

    public async Task<TenantPoliciesView> GetPoliciesAsync(Guid? tenantId, CancellationToken ct = default)
    {
        var scope = await ResolveAsync(tenantId, write: false);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = await TenantNameAsync(db, scope.TenantId, ct);
        var policies = await db.TenantPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.TenantId == scope.TenantId, ct);
        return new TenantPoliciesView(scope.TenantId, name, ToForm(policies), scope.CanWrite);
    }

    /// <summary>Whom saving <paramref name="form"/> would affect, compared with the stored policy.</summary>
    public async Task<PolicyImpact> PreviewPoliciesAsync(Guid? tenantId, TenantPoliciesForm form, CancellationToken ct = default)
    {
        var scope = await ResolveAsync(tenantId, write: false);
        ValidationFailedException.ThrowIfAny(TenantRules.Validate(form));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = ToForm(await db.TenantPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.TenantId == scope.TenantId, ct));
        return await ImpactAsync(db, scope.TenantId, current, form, ct);
    }

    private async Task<PolicyImpact> ImpactAsync(InfraAdminDbContext db, Guid tenantId, TenantPoliciesForm current, TenantPoliciesForm next, CancellationToken ct)
    {
        var users = db.Users.AsNoTracking().Where(u => u.TenantId == tenantId);
        var total = await users.CountAsync(ct);
        var without2fa = next.TwoFactorRequired && !current.TwoFactorRequired ? await users.CountAsync(u => !u.TwoFactorEnabled, ct) : 0;
        var ended = next.SessionTimeoutHours < current.SessionTimeoutHours ? await EndedSignIns(users, current, next).CountAsync(ct) : 0;
        var passwords = next.PasswordMinLength > current.PasswordMinLength
            || (next.PasswordRequireUppercase && !current.PasswordRequireUppercase)
            || (next.PasswordRequireNumbers && !current.PasswordRequireNumbers)
            || (next.PasswordRequireSymbols && !current.PasswordRequireSymbols);
        return new PolicyImpact(total, without2fa, ended, passwords, next.MaxLoginAttempts < current.MaxLoginAttempts);
    }

    /// <summary>Users whose last sign-in is still within the old timeout but beyond the new one.</summary>
    private IQueryable<AppUser> EndedSignIns(IQueryable<AppUser> users, TenantPoliciesForm current, TenantPoliciesForm next)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var newStart = now.AddHours(-next.SessionTimeoutHours);
        var oldStart = now.AddHours(-current.SessionTimeoutHours);
        return users.Where(u => u.LastSignIn != null && u.LastSignIn < newStart && u.LastSignIn > oldStart);
    }

    /// <summary>Saves the policies; sign-ins older than a shortened timeout end now (their security stamps change).</summary>
    public async Task<uint> SavePoliciesAsync(Guid? tenantId, TenantPoliciesForm form, CancellationToken ct = default)
    {
        var scope = await ResolveAsync(tenantId, write: true);
        ValidationFailedException.ThrowIfAny(TenantRules.Validate(form));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await TenantNameAsync(db, scope.TenantId, ct);
        uint version = 0;
        await db.InTransactionAsync(async () =>
        {
            var policies = await db.FindOrCreateAsync(p => p.TenantId == scope.TenantId, () => new TenantPolicies { TenantId = scope.TenantId },
                form.Exists, form.Version, ct);
            var current = ToForm(db.Entry(policies).State == EntityState.Added ? null : policies);
            Apply(policies, form);
            if (form.SessionTimeoutHours < current.SessionTimeoutHours)
            {
                var users = await EndedSignIns(db.Users.Where(u => u.TenantId == scope.TenantId), current, form).ToListAsync(ct);
                foreach (var user in users) user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
            }
            db.AuditAction = AuditActions.TenantPoliciesUpdate;
            await db.SaveOrStaleAsync(ct);
            version = policies.Version;
        }, ct);
        return version;
    }

    private static void Apply(TenantPolicies p, TenantPoliciesForm f)
    {
        p.PasswordMinLength = f.PasswordMinLength;
        p.PasswordRequireUppercase = f.PasswordRequireUppercase;
        p.PasswordRequireNumbers = f.PasswordRequireNumbers;
        p.PasswordRequireSymbols = f.PasswordRequireSymbols;
        p.SessionTimeoutHours = f.SessionTimeoutHours;
        p.MaxLoginAttempts = f.MaxLoginAttempts;
        p.TwoFactorRequired = f.TwoFactorRequired;
        p.CompanyDefaultStatus = f.DefaultStatus;
        p.CompanyAllowMemberInvites = f.AllowMemberInvites;
        p.CompanyAutoApproveMembers = f.AutoApproveMembers;
        p.CompanyRequireEmailVerification = f.RequireEmailVerification;
    }

    private static TenantPoliciesForm ToForm(TenantPolicies? p) => new()
    {
        Exists = p is not null, Version = p?.Version ?? 0,
        PasswordMinLength = p?.PasswordMinLength ?? 8, PasswordRequireUppercase = p?.PasswordRequireUppercase ?? false,
        PasswordRequireNumbers = p?.PasswordRequireNumbers ?? false, PasswordRequireSymbols = p?.PasswordRequireSymbols ?? false,
        SessionTimeoutHours = p?.SessionTimeoutHours ?? 8, MaxLoginAttempts = p?.MaxLoginAttempts ?? 5,
        TwoFactorRequired = p?.TwoFactorRequired ?? false, DefaultStatus = p?.CompanyDefaultStatus ?? UserStatus.Active,
        AllowMemberInvites = p?.CompanyAllowMemberInvites ?? true, AutoApproveMembers = p?.CompanyAutoApproveMembers ?? false,
        RequireEmailVerification = p?.CompanyRequireEmailVerification ?? true,
    };

    // ---- shared ----

    private sealed record Scope(Guid TenantId, bool CanWrite, bool IsStaffManager);

    /// <summary>
    /// A tenant admin works on their own tenant only (no id, or their own id); anyone else needs tenants.view
    /// (tenants.manage to write) and an explicit id.
    /// </summary>
    private async Task<Scope> ResolveAsync(Guid? requested, bool write)
    {
        var access = await currentUser.GetAccessAsync();
        if (access.IsTenantAdmin)
        {
            if (requested is { } id && id != access.TenantId)
                throw new PermissionDeniedException("You can only see and change your own tenant.");
            return new Scope(access.TenantId!.Value, true, false);
        }
        if (requested is null)
            throw new PermissionDeniedException("Only a tenant's admin can open their tenant's settings and policies.");
        var canWrite = access.Has(Permissions.Tenants.Manage);
        if (write && !canWrite) throw new PermissionDeniedException($"You do not have the '{Permissions.Tenants.Manage}' permission.");
        if (!access.Has(Permissions.Tenants.View)) throw new PermissionDeniedException($"You do not have the '{Permissions.Tenants.View}' permission.");
        return new Scope(requested.Value, canWrite, canWrite);
    }

    private static async Task<string> TenantNameAsync(InfraAdminDbContext db, Guid tenantId, CancellationToken ct) =>
        await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("This tenant does not exist.");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
