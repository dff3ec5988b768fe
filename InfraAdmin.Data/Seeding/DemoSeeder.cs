using System.Text.Json;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Data.Seeding;

/// <summary>
/// The small demo data set: deterministic (fixed ids, a fixed random seed, dates relative to the current
/// month) and idempotent (rows whose id exists are left alone). Never run in Production.
/// </summary>
public static class DemoSeeder
{
    public const string DemoPassword = "InfraAdmin!2026";

    public static class Accounts
    {
        public const string Admin = "admin@infraadmin.local";
        public const string Ops = "ops@infraadmin.local";
        public const string Exec = "exec@infraadmin.local";
        public const string Support = "support@infraadmin.local";
        public const string AcmeAdmin = "admin@acme.example";
        public const string AcmeMember = "member@acme.example";
    }

    /// <summary>The four staff roles and their permission names.</summary>
    public static readonly IReadOnlyList<(int Id, string Name, string Description, string[] Permissions)> Roles =
    [
        (1, "Super Admin", "Everything, including staff, roles and platform settings", ["*"]),
        (2, "Infrastructure Operator", "Runs SMTP IPs and the VPS fleet", ["ip.view", "ip.manage", "vps.view", "vps.manage", "audit.view"]),
        (3, "Executive", "Sees costs, margins and the state of the fleet", ["costs.view", "costs.export", "ip.view", "vps.view"]),
        (4, "Support", "Looks things up for tenants", ["ip.view", "vps.view", "tenants.view"]),
    ];

    /// <summary>The demo tenants (a dozen, so the cost charts mean something).</summary>
    public const int TenantCount = 12;

    /// <summary>
    /// Loads the demo data as of <paramref name="clock"/>'s now (default: the system clock). Everything that has happened
    /// lies before now; only scheduled work (scheduled assignments, assignment expiries, decommissions, billing renewals) lies ahead.
    /// </summary>
    public static async Task SeedAsync(InfraAdminDbContext db, TimeProvider? clock = null, CancellationToken ct = default)
    {
        db.AuditEnabled = false;
        var data = Build((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.Date);
        await AddMissingAsync(db, db.Tenants, data.Tenants, t => t.Id, ct);
        await AddMissingAsync(db, db.TenantConfigs, data.Configs, c => c.TenantId, ct);
        await AddMissingAsync(db, db.TenantPolicies, data.Policies, p => p.TenantId, ct);
        await AddMissingAsync(db, db.Users, data.Users, u => u.Id, ct);
        await AddMissingAsync(db, db.StaffRoles, data.Roles, r => r.Id, ct);
        await db.SaveChangesAsync(ct);

        var permissionIds = await db.Permissions.AsNoTracking().ToDictionaryAsync(p => p.Name!, p => p.Id, ct);
        foreach (var (roleId, _, _, names) in Roles)
        {
            var wanted = names is ["*"] ? permissionIds.Values.ToList() : names.Where(permissionIds.ContainsKey).Select(n => permissionIds[n]).ToList();
            var existing = await db.StaffRolePermissions.Where(x => x.RoleId == roleId).Select(x => x.PermissionId).ToListAsync(ct);
            if (existing.Count > 0) continue; // the matrix is the administrators' once seeded
            db.StaffRolePermissions.AddRange(wanted.Select(id => new StaffRolePermission { RoleId = roleId, PermissionId = id }));
        }
        await AddMissingAsync(db, db.StaffMembers, data.Staff, s => s.UserId, ct);
        await AddMissingAsync(db, db.VpsInstances, data.Vps, v => v.Id, ct);
        await AddMissingAsync(db, db.SmtpIpAddresses, data.Ips, i => i.Id, ct);
        await AddMissingAsync(db, db.Domains, data.Domains, d => d.Id, ct);
        await AddMissingAsync(db, db.DomainIpAssignments, data.Assignments, a => a.Id, ct);
        await AddMissingAsync(db, db.SmtpIpHistory, data.History, h => h.Id, ct);
        await AddMissingAsync(db, db.SystemConfig, data.Config, c => c.Key, ct);
        await AddMissingAsync(db, db.FeatureFlags, data.Flags, f => f.Id, ct);
        await db.SaveChangesAsync(ct);
    }

    private static async Task AddMissingAsync<T, TKey>(
        InfraAdminDbContext db, DbSet<T> set, IReadOnlyList<T> rows, System.Linq.Expressions.Expression<Func<T, TKey>> key, CancellationToken ct)
        where T : class where TKey : notnull
    {
        var keyOf = key.Compile();
        var existing = (await set.AsNoTracking().Select(key).ToListAsync(ct)).ToHashSet();
        set.AddRange(rows.Where(r => !existing.Contains(keyOf(r))));
    }

    private sealed record DemoData(
        List<Tenant> Tenants, List<TenantConfig> Configs, List<TenantPolicies> Policies, List<AppUser> Users,
        List<StaffRole> Roles, List<StaffMember> Staff, List<VpsInstance> Vps, List<SmtpIpAddress> Ips,
        List<Domain> Domains, List<DomainIpAssignment> Assignments, List<SmtpIpHistory> History,
        List<SystemConfig> Config, List<FeatureFlag> Flags);

    private static DemoData Build(DateTime today)
    {
        var random = new Random(2026);
        var monthStart = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var yearAgo = monthStart.AddMonths(-12);
        DateTime At(DateTime d) => DateTime.SpecifyKind(d, DateTimeKind.Utc);
        // What has happened lies in the past: at the latest the start of today (the seed's now is later the same day).
        DateTime Past(DateTime d) => At(d <= today ? d : today);

        // Tenants
        var tenantDefs = new[]
        {
            ("acme", "Acme Outreach", "growth", 4500m, TenantStatus.Active, "#1565C0"),
            ("globex", "Globex Mailworks", "scale", 12000m, TenantStatus.Active, "#2E7D32"),
            ("initech", "Initech Sales", "starter", 900m, TenantStatus.Active, (string?)null),
            ("umbrella", "Umbrella Leads", "starter", 0m, TenantStatus.Trial, (string?)null),
            ("hooli", "Hooli Campaigns", "scale", 8000m, TenantStatus.Active, (string?)null),
            ("stark", "Stark Mailers", "growth", 3200m, TenantStatus.Active, (string?)null),
            ("wayne", "Wayne Notices", "growth", 2700m, TenantStatus.Active, (string?)null),
            ("wonka", "Wonka Newsletters", "starter", 650m, TenantStatus.Active, (string?)null),
            ("cyberdyne", "Cyberdyne Alerts", "scale", 9500m, TenantStatus.Active, (string?)null),
            ("soylent", "Soylent Digest", "starter", 400m, TenantStatus.Active, (string?)null),
            ("tyrell", "Tyrell Outreach", "growth", 2100m, TenantStatus.Active, (string?)null),
            ("vandelay", "Vandelay Imports", "starter", 300m, TenantStatus.Suspended, (string?)null),
        };
        var tenants = tenantDefs.Select((t, i) => new Tenant
        {
            Id = SeedIds.For("tenant:" + t.Item1), Slug = t.Item1, Name = t.Item2, Plan = t.Item3, MonthlyRevenue = t.Item4,
            Status = t.Item5, Created = yearAgo.AddDays(-30 + i * 20),
        }).ToList();
        var configs = tenantDefs.Select((t, i) => new TenantConfig
        {
            TenantId = SeedIds.For("tenant:" + t.Item1),
            StripeCustomerId = $"cus_Demo{t.Item1.ToUpperInvariant()}{100 + i}",
            BillingEmail = $"billing@{t.Item1}.example",
            BillingAddress = JsonDocument.Parse(JsonSerializer.Serialize(new { line1 = $"{10 + i} Market Street", city = "Springfield", postal_code = $"0{i}100", country = "US" })),
            NotifyOnBillingChanges = true, NotifyOnSystemUpdates = i % 2 == 0, NotifyOnSecurityAlerts = true,
            ThemePrimaryColor = t.Item6, UiDateFormat = i == 1 ? "d MMM yyyy" : "yyyy-MM-dd", UiTimezone = i == 1 ? "Europe/Berlin" : "America/New_York",
            UiSidebarDefaultCollapsed = false,
        }).ToList();
        var policies = tenantDefs.Select((t, i) => new TenantPolicies
        {
            TenantId = SeedIds.For("tenant:" + t.Item1),
            PasswordMinLength = i == 1 ? 12 : 8, PasswordRequireUppercase = i == 1, PasswordRequireNumbers = i != 3, PasswordRequireSymbols = false,
            SessionTimeoutHours = i == 1 ? 4 : 8, MaxLoginAttempts = 5, TwoFactorRequired = false,
            CompanyDefaultStatus = UserStatus.Active, CompanyAllowMemberInvites = t.Item1 == "acme",
            CompanyAutoApproveMembers = false, CompanyRequireEmailVerification = true,
        }).ToList();

        // Accounts
        var hasher = new PasswordHasher<AppUser>();
        AppUser User(string email, string name, Guid? tenantId = null, string? tenantRole = null)
        {
            var u = new AppUser
            {
                Id = SeedIds.For("user:" + email), UserName = email, NormalizedUserName = email.ToUpperInvariant(),
                Email = email, NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, LockoutEnabled = true,
                SecurityStamp = SeedIds.For("stamp:" + email).ToString("N").ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString(),
                DisplayName = name, TenantId = tenantId, TenantRole = tenantRole, Status = UserStatus.Active,
            };
            u.PasswordHash = hasher.HashPassword(u, DemoPassword);
            return u;
        }
        var acmeId = SeedIds.For("tenant:acme");
        var users = new List<AppUser>
        {
            User(Accounts.Admin, "Ada Admin"), User(Accounts.Ops, "Oscar Ops"), User(Accounts.Exec, "Eve Executive"),
            User(Accounts.Support, "Sam Support"), User(Accounts.AcmeAdmin, "Alice Acme", acmeId, TenantRole.Admin),
            User(Accounts.AcmeMember, "Mark Member", acmeId, TenantRole.Member),
        };
        var roles = Roles.Select(r => new StaffRole { Id = r.Id, Name = r.Name, Description = r.Description }).ToList();
        var staff = new List<StaffMember>
        {
            new() { UserId = SeedIds.For("user:" + Accounts.Admin), RoleId = 1, Notes = "Platform owner" },
            new() { UserId = SeedIds.For("user:" + Accounts.Ops), RoleId = 2, Notes = "On call for deliverability" },
            new() { UserId = SeedIds.For("user:" + Accounts.Exec), RoleId = 3 },
            new() { UserId = SeedIds.For("user:" + Accounts.Support), RoleId = 4 },
        };

        // VPS fleet: every status, four regions, billing days including 29, 30 and 31.
        var vpsDefs = new (string Name, string Region, string Status, int Day, decimal Monthly, decimal Approx, int CreatedMonthsAgo)[]
        {
            ("hw-use-1001", "us-east", VpsStatus.Active, 1, 64.00m, 60.00m, 13),
            ("hw-use-1002", "us-east", VpsStatus.Active, 29, 48.00m, 45.00m, 9),
            ("hw-usw-2001", "us-west", VpsStatus.Active, 30, 52.00m, 50.00m, 11),
            ("hw-usw-2002", "us-west", VpsStatus.Provisioning, 31, 52.00m, 50.00m, 0),
            // Renews within the next 7 days on any date the seed runs (its billing day is 4 days ahead, at most the 28th).
            ("hw-euc-3001", "eu-central", VpsStatus.Active, Math.Min(28, today.AddDays(4).Day), 58.00m, 55.00m, 7),
            ("hw-euc-3002", "eu-central", VpsStatus.ScheduledDecommission, 31, 40.00m, 38.00m, 12),
            ("hw-aps-4001", "ap-south", VpsStatus.Active, 28, 44.00m, 42.00m, 5),
            ("hw-aps-4002", "ap-south", VpsStatus.Decommissioned, 10, 36.00m, 34.00m, 12),
        };
        var vps = new List<VpsInstance>();
        foreach (var (d, index) in vpsDefs.Select((d, i) => (d, i)))
        {
            // A VPS created this month is 12 days old, so its six IPs (two days apart) all exist by now.
            var created = d.CreatedMonthsAgo == 0 ? today.AddDays(-12) : monthStart.AddMonths(-d.CreatedMonthsAgo).AddDays(3 + index);
            var (start, end) = BillingPeriod.Containing(today, d.Day);
            vps.Add(new VpsInstance
            {
                Id = SeedIds.For("vps:" + d.Name), HostwindsInstanceId = d.Name, IpAddress = $"198.51.100.{10 + index}",
                Region = d.Region, Status = d.Status, MonthlyCost = d.Monthly, ApproximateCost = d.Approx, HostwindsBillingDay = d.Day,
                CurrentBillingPeriodStart = start, CurrentBillingPeriodEnd = end, Created = At(created),
                DecommissionScheduledFor = d.Status switch
                {
                    VpsStatus.ScheduledDecommission => end,
                    VpsStatus.Decommissioned => At(monthStart.AddMonths(-2).AddDays(9)),
                    _ => null,
                },
            });
        }

        // SMTP IPs: six per VPS, every status and reputation state.
        var pattern = new (string Status, string Rep)[]
        {
            (IpStatus.Assigned, ReputationState.Good), (IpStatus.Assigned, ReputationState.Fair), (IpStatus.Available, ReputationState.Good),
            (IpStatus.Warming, ReputationState.Good), (IpStatus.Warmed, ReputationState.Good), (IpStatus.Degraded, ReputationState.Poor),
            (IpStatus.Assigned, ReputationState.Good), (IpStatus.Quarantined, ReputationState.Critical), (IpStatus.Burned, ReputationState.Critical),
            (IpStatus.Warming, ReputationState.Fair), (IpStatus.Assigned, ReputationState.Poor), (IpStatus.Available, ReputationState.Fair),
        };
        string[] providers = ["spamhaus", "barracuda", "spamcop", "sorbs"];
        var ips = new List<SmtpIpAddress>();
        var history = new List<SmtpIpHistory>();
        for (var v = 0; v < vps.Count; v++)
        {
            for (var k = 0; k < 6; k++)
            {
                var n = v * 6 + k;
                var (status, rep) = pattern[n % pattern.Length];
                if (vps[v].Status == VpsStatus.Decommissioned) (status, rep) = (IpStatus.Burned, ReputationState.Poor);
                var created = Past((vps[v].Created ?? monthStart).AddDays(k * 2));
                DateTime? lastCheck = n % 9 == 4 ? null : n % 7 == 3 ? At(today.AddHours(-30 - n)) : At(today.AddHours(-(n % 6) - 1));
                var checkedAt = lastCheck ?? At(today.AddDays(-3));
                var blacklist = providers.ToDictionary(p => p, p =>
                {
                    var listed = rep switch
                    {
                        ReputationState.Critical => p is "spamhaus" or "barracuda" or "spamcop",
                        ReputationState.Poor => p == (n % 2 == 0 ? "barracuda" : "spamcop"),
                        ReputationState.Fair => p == "sorbs" && n % 3 == 0,
                        _ => false,
                    };
                    return (object)new { listed, checked_at = checkedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"), detail = listed ? $"Listed by {p} ({(p == "spamhaus" ? "SBL" : "RBL")} policy)" : null };
                });
                var ip = new SmtpIpAddress
                {
                    Id = SeedIds.For($"ip:{v}:{k}"), VpsInstanceId = vps[v].Id, IpAddress = $"203.0.{113 + v}.{20 + k * 7}",
                    Status = status, ReputationState = rep, ApproximateCost = 3.00m + (n % 4) * 0.75m,
                    LastReputationCheck = lastCheck, AssignedCount = 0, Created = At(created),
                    ProviderBlacklistStatus = JsonDocument.Parse(JsonSerializer.Serialize(blacklist)),
                };
                ips.Add(ip);
                if (status != IpStatus.Available)
                {
                    var when = status is IpStatus.Degraded or IpStatus.Burned or IpStatus.Quarantined && n % 2 == 0
                        ? At(today.AddDays(-(n % 6) - 1)) : Past(created.AddDays(5));
                    history.Add(new SmtpIpHistory
                    {
                        Id = SeedIds.For($"history:{ip.Id}"), SmtpIpAddressId = ip.Id, Kind = IpHistoryKind.Status,
                        FromStatus = IpStatus.Available, ToStatus = status, FromReputation = ReputationState.Good, ToReputation = rep,
                        Reason = status switch
                        {
                            IpStatus.Quarantined => "Listed on Spamhaus SBL; pulled from rotation",
                            IpStatus.Burned => "Listed on three providers; retired",
                            IpStatus.Degraded => "Bounce rate above 8% for two days",
                            _ => "Demo data",
                        },
                        ChangedByName = "system", Changed = when,
                    });
                }
            }
        }

        // Domains: five to eight per tenant.
        var domains = new List<Domain>();
        string[] stems = ["mail", "outreach", "hello", "go", "team", "news", "try", "get"];
        foreach (var (t, ti) in tenants.Select((t, i) => (t, i)))
        {
            var count = 5 + ti % 4;
            for (var i = 0; i < count; i++)
            {
                domains.Add(new Domain
                {
                    Id = SeedIds.For($"domain:{t.Slug}:{i}"), TenantId = t.Id, Name = $"{stems[i % stems.Length]}-{t.Slug}{(i >= stems.Length ? i : "")}.example",
                    Status = i == count - 1 && ti == 3 ? "pending" : "active", Created = Past(t.Created.AddDays(i * 9)),
                });
            }
        }

        // Assignments: active on assigned/degraded IPs, warming on warming IPs, scheduled on warmed ones,
        // expired ones spread over the year (many ending mid-month).
        var assignments = new List<DomainIpAssignment>();
        var activeDomains = domains.Where(d => d.Status == "active").ToList();
        var seq = 0;
        DomainIpAssignment Assign(SmtpIpAddress ip, Domain d, string status, DateTime assigned, DateTime? expires, string warmup) => new()
        {
            Id = SeedIds.For($"assignment:{seq++}"), SmtpIpAddressId = ip.Id, DomainId = d.Id, Status = status, Assigned = At(assigned),
            Expires = expires is null ? null : At(expires.Value), WarmupState = warmup,
            LastSent = status is AssignmentStatus.Active or AssignmentStatus.Warming ? At(today.AddHours(-random.Next(1, 40))) : expires is null ? null : At(expires.Value.AddHours(-6)),
        };
        foreach (var ip in ips)
        {
            var created = ip.Created!.Value;
            var monthsAlive = Math.Max(1, (int)((today - created).TotalDays / 30));
            var used = new HashSet<Guid>();
            Domain Pick()
            {
                Domain d;
                do d = activeDomains[random.Next(activeDomains.Count)]; while (!used.Add(d.Id));
                return d;
            }
            if (ip.Id == SeedIds.For("ip:0:0"))
            {
                // The trial tenant pays nothing yet sends through the first IP: the demo's negative margin.
                var trial = domains.First(d => d.Id == SeedIds.For("domain:umbrella:0"));
                used.Add(trial.Id);
                assignments.Add(Assign(ip, trial, AssignmentStatus.Active, Max(created, today.AddDays(-40)), null, WarmupState.Warmed));
            }
            var activeCount = ip.Status switch { IpStatus.Assigned => 1 + random.Next(3), IpStatus.Degraded => 1, _ => 0 };
            for (var i = 0; i < activeCount; i++)
            {
                var start = created.AddDays(random.Next(3, Math.Max(4, monthsAlive * 30 - 5)));
                if (start > today.AddDays(-1)) start = created > today.AddDays(-1) ? created : today.AddDays(-1);
                var expires = i == 2 ? today.AddDays(20 + random.Next(40)) : (DateTime?)null;
                assignments.Add(Assign(ip, Pick(), AssignmentStatus.Active, Past(start.AddHours(random.Next(24))), expires, WarmupState.Warmed));
            }
            if (ip.Status == IpStatus.Warming)
                assignments.Add(Assign(ip, Pick(), AssignmentStatus.Warming, Max(created, today.AddDays(-random.Next(3, 25))), null, WarmupState.Warming));
            if (ip.Status == IpStatus.Warmed && random.Next(2) == 0)
                assignments.Add(Assign(ip, Pick(), AssignmentStatus.Scheduled, today.AddDays(random.Next(2, 10)), null, WarmupState.Unwarmed));
            if (monthsAlive > 2 && random.Next(3) > 0)
            {
                var start = created.AddDays(random.Next(1, 20));
                var end = start.AddDays(random.Next(20, Math.Max(21, Math.Min(200, (int)(today - start).TotalDays - 5))));
                if (end < today) assignments.Add(Assign(ip, Pick(), AssignmentStatus.Expired, Past(start.AddHours(random.Next(24))), Past(end.AddHours(random.Next(24))), WarmupState.Warmed));
            }
            ip.AssignedCount = assignments.Count(a => a.SmtpIpAddressId == ip.Id && AssignmentStatus.ActiveSet.Contains(a.Status));
        }

        var adminId = SeedIds.For("user:" + Accounts.Admin);
        JsonDocument J(object value) => JsonDocument.Parse(JsonSerializer.Serialize(value));
        var config = new List<SystemConfig>
        {
            new() { Key = "ip.reputation_stale_hours", Value = J(24), Category = "ip", Description = "Hours after which an IP's reputation check counts as stale" },
            new() { Key = "security.staff_password_min_length", Value = J(12), Category = "security", Description = "Minimum password length for staff" },
            new() { Key = "security.staff_max_login_attempts", Value = J(5), Category = "security", Description = "Failed sign-ins before a staff account is locked for 15 minutes" },
            new() { Key = "security.staff_session_hours", Value = J(8), Category = "security", Description = "How long a staff sign-in lasts" },
            new() { Key = "security.staff_2fa_required", Value = J(false), Category = "security", Description = "Staff must enrol an authenticator app" },
            new() { Key = "stripe_account_id", Value = J("acct_1NxDemoPlatform7Q"), Category = "billing", IsSensitive = true, Description = "Platform Stripe account receiving payments", UpdatedBy = adminId },
            new() { Key = "billing.currency", Value = J("USD"), Category = "billing", Description = "Currency of every amount the console shows" },
            new() { Key = "audit.retention_months", Value = J(24), Category = "audit", Description = "Whole months of the audit log kept in the database; older months are exported and dropped" },
            new() { Key = "mail.from_address", Value = J("noreply@infraadmin.local"), Category = "mail", Description = "Sender of the console's mail" },
            new() { Key = "vps.default_region", Value = J("us-east"), Category = "vps", Description = "Region preselected for new instances" },
        };
        var flags = new List<FeatureFlag>
        {
            new() { Id = SeedIds.For("flag:smart-warmup"), Key = "smart-warmup", Description = "Adaptive warm-up schedules", IsEnabled = true, RolloutPercentage = 30, UpdatedBy = adminId },
            new() { Id = SeedIds.For("flag:reply-drafts"), Key = "reply-drafts", Description = "AI reply drafts in the inbox", IsEnabled = false, RolloutPercentage = 0, UpdatedBy = adminId },
            new() { Id = SeedIds.For("flag:bulk-ip-import"), Key = "bulk-ip-import", Description = "CSV import of reputation checks", IsEnabled = true, RolloutPercentage = 100, UpdatedBy = adminId },
            new() { Id = SeedIds.For("flag:new-billing-page"), Key = "new-billing-page", Description = "The redesigned billing page", IsEnabled = true, RolloutPercentage = 50, UpdatedBy = adminId },
        };

        return new DemoData(tenants, configs, policies, users, roles, staff, vps, ips, domains, assignments, history, config, flags);
    }

    private static DateTime Max(DateTime a, DateTime b) => DateTime.SpecifyKind(a > b ? a : b, DateTimeKind.Utc);
}
