using InfraAdmin.Data;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>TenantService: staff list, settings and policies rules, bad input, tenant isolation, concurrency.</summary>
public sealed class TenantServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> AsAsync<T>(string email, Func<TenantService, Task<T>> action)
    {
        await using var scope = await App.ScopeAsAsync(email);
        return await action(scope.ServiceProvider.GetRequiredService<TenantService>());
    }

    [Fact]
    public async Task Staff_list_counts_users_and_domains_and_filters()
    {
        var page = await AsAsync(Demo.Support, s => s.ListAsync(new TenantListQuery(Search: "acme"), Ct));
        var acme = Assert.Single(page.Rows);
        await using var db = Db.CreateContext();
        Assert.Equal(await db.Users.CountAsync(u => u.TenantId == Demo.AcmeTenant, Ct), acme.Users);
        Assert.Equal(await db.Domains.CountAsync(d => d.TenantId == Demo.AcmeTenant, Ct), acme.Domains);
        Assert.True(acme.Domains > 0);
        var scale = await AsAsync(Demo.Support, s => s.ListAsync(new TenantListQuery(Plan: "scale"), Ct));
        Assert.All(scale.Rows, r => Assert.Equal("scale", r.Plan));
        var byRevenue = await AsAsync(Demo.Support, s => s.ListAsync(new TenantListQuery(SortBy: nameof(TenantListRow.MonthlyRevenue), Descending: true), Ct));
        Assert.Equal(byRevenue.Rows.Select(r => r.MonthlyRevenue).OrderDescending(), byRevenue.Rows.Select(r => r.MonthlyRevenue));
    }

    [Fact]
    public async Task Tenant_users_and_staff_without_the_permission_cannot_list()
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.AcmeAdmin, s => s.ListAsync(new(), Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Ops, s => s.ListAsync(new(), Ct)));
    }

    [Fact]
    public async Task Staff_with_manage_edit_a_tenant_and_a_stale_version_is_refused()
    {
        var world = await TestTenants.CreateAsync(Db, "edit");
        var form = await AsAsync(Demo.Admin, s => s.GetTenantAsync(world.TenantId, Ct));
        var stale = form.Copy();
        form.Name = "Renamed"; form.Plan = "scale"; form.Status = "trial"; form.MonthlyRevenue = 2500.50m;
        await AsAsync(Demo.Admin, s => s.UpdateTenantAsync(world.TenantId, form, Ct));
        await using var db = Db.CreateContext();
        var saved = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == world.TenantId, Ct);
        Assert.Equal(("Renamed", "scale", "trial", 2500.50m), (saved.Name, saved.Plan, saved.Status, saved.MonthlyRevenue));
        stale.Name = "Overwrite";
        await Assert.ThrowsAsync<StaleEditException>(() => AsAsync(Demo.Admin, s => s.UpdateTenantAsync(world.TenantId, stale, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Support, s => s.UpdateTenantAsync(world.TenantId, form, Ct)));
        form.MonthlyRevenue = -1;
        await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(Demo.Admin, s => s.UpdateTenantAsync(world.TenantId, form, Ct)));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "tenant.update" && a.EntityId == world.TenantId.ToString(), Ct));
    }

    [Fact]
    public async Task A_tenant_admin_reads_and_saves_their_own_settings()
    {
        var world = await TestTenants.CreateAsync(Db, "own");
        var view = await AsAsync(world.Admin, s => s.GetSettingsAsync(null, Ct));
        Assert.Equal(world.TenantId, view.TenantId);
        Assert.False(view.CanEditStripe);
        var form = view.Form.Copy();
        form.PrimaryColor = "#AA3300"; form.LogoUrl = "https://cdn.example.com/logo.png"; form.TimeZone = "Europe/Berlin";
        form.DateFormat = "d MMM yyyy"; form.City = "Berlin"; form.Country = "de";
        await AsAsync(world.Admin, s => s.SaveSettingsAsync(null, form, Ct));
        await using var db = Db.CreateContext();
        var saved = await db.TenantConfigs.AsNoTracking().SingleAsync(c => c.TenantId == world.TenantId, Ct);
        Assert.Equal(("#AA3300", "https://cdn.example.com/logo.png", "Europe/Berlin", "d MMM yyyy"),
            (saved.ThemePrimaryColor, saved.ThemeLogoUrl, saved.UiTimezone, saved.UiDateFormat));
        Assert.Equal("Berlin", saved.BillingAddress!.RootElement.GetProperty("city").GetString());
        Assert.Equal("DE", saved.BillingAddress!.RootElement.GetProperty("country").GetString());
        Assert.Equal("1 Test Road", saved.BillingAddress!.RootElement.GetProperty("line1").GetString());
    }

    public static TheoryData<string, string> BadSettings() => new()
    {
        { nameof(TenantSettingsForm.PrimaryColor), "red" },
        { nameof(TenantSettingsForm.PrimaryColor), "#12345G" },
        { nameof(TenantSettingsForm.PrimaryColor), "#1234567" },
        { nameof(TenantSettingsForm.LogoUrl), "javascript:alert(1)" },
        { nameof(TenantSettingsForm.LogoUrl), "data:image/png;base64,AAAA" },
        { nameof(TenantSettingsForm.LogoUrl), "http://cdn.example.com/logo.png" },
        { nameof(TenantSettingsForm.FaviconUrl), "//evil.example/x.ico" },
        { nameof(TenantSettingsForm.TimeZone), "Mars/Olympus_Mons" },
        { nameof(TenantSettingsForm.DateFormat), "yyyy" },
        { nameof(TenantSettingsForm.BillingEmail), "not-an-email" },
        { nameof(TenantSettingsForm.Country), "Germany" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_settings_are_refused_with_a_message_and_nothing_is_saved(string field, string value)
    {
        var world = await TestTenants.CreateAsync(Db, "bad");
        var form = (await AsAsync(world.Admin, s => s.GetSettingsAsync(null, Ct))).Form;
        typeof(TenantSettingsForm).GetProperty(field)!.SetValue(form, value);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Admin, s => s.SaveSettingsAsync(null, form, Ct)));
        Assert.True(ex.Errors.ContainsKey(field));
        await using var db = Db.CreateContext();
        var saved = await db.TenantConfigs.AsNoTracking().SingleAsync(c => c.TenantId == world.TenantId, Ct);
        Assert.Equal(form.Version, saved.Version);
    }

    [Fact]
    public async Task A_tenant_admin_cannot_read_or_change_another_tenant()
    {
        var world = await TestTenants.CreateAsync(Db, "iso");
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Admin, s => s.GetSettingsAsync(Demo.AcmeTenant, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Admin, s => s.GetPoliciesAsync(Demo.AcmeTenant, Ct)));
        var acmeView = await AsAsync(Demo.Support, s => s.GetSettingsAsync(Demo.AcmeTenant, Ct));
        var crafted = acmeView.Form.Copy();
        crafted.PrimaryColor = "#000000";
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Admin, s => s.SaveSettingsAsync(Demo.AcmeTenant, crafted, Ct)));
        var policies = (await AsAsync(Demo.Support, s => s.GetPoliciesAsync(Demo.AcmeTenant, Ct))).Form;
        policies.PasswordMinLength = 20;
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Admin, s => s.SavePoliciesAsync(Demo.AcmeTenant, policies, Ct)));
        // Members are not admins; staff need an explicit id.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Member, s => s.GetSettingsAsync(null, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Admin, s => s.GetSettingsAsync(null, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Support, s => s.SaveSettingsAsync(world.TenantId, crafted, Ct)));
        await using var db = Db.CreateContext();
        Assert.NotEqual("#000000", await db.TenantConfigs.Where(c => c.TenantId == Demo.AcmeTenant).Select(c => c.ThemePrimaryColor).SingleAsync(Ct));
        Assert.Equal(8, await db.TenantPolicies.Where(p => p.TenantId == Demo.AcmeTenant).Select(p => p.PasswordMinLength).SingleAsync(Ct));
    }

    [Fact]
    public async Task Stripe_id_is_read_only_for_tenant_admins_and_editable_by_managers()
    {
        var world = await TestTenants.CreateAsync(Db, "stripe");
        var form = (await AsAsync(world.Admin, s => s.GetSettingsAsync(null, Ct))).Form;
        form.StripeCustomerId = "cus_Hijack";
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Admin, s => s.SaveSettingsAsync(null, form, Ct)));
        var staff = await AsAsync(Demo.Admin, s => s.GetSettingsAsync(world.TenantId, Ct));
        Assert.True(staff.CanEditStripe);
        staff.Form.StripeCustomerId = "cus_New";
        await AsAsync(Demo.Admin, s => s.SaveSettingsAsync(world.TenantId, staff.Form, Ct));
        await using var db = Db.CreateContext();
        Assert.Equal("cus_New", await db.TenantConfigs.Where(c => c.TenantId == world.TenantId).Select(c => c.StripeCustomerId).SingleAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_settings_edits_do_not_overwrite_each_other()
    {
        var world = await TestTenants.CreateAsync(Db, "conc");
        var first = (await AsAsync(world.Admin, s => s.GetSettingsAsync(null, Ct))).Form;
        var second = first.Copy();
        first.PrimaryColor = "#111111";
        await AsAsync(world.Admin, s => s.SaveSettingsAsync(null, first, Ct));
        second.PrimaryColor = "#222222";
        await Assert.ThrowsAsync<StaleEditException>(() => AsAsync(world.Admin, s => s.SaveSettingsAsync(null, second, Ct)));
    }

    [Fact]
    public async Task Billing_changes_mail_the_billing_email_when_asked()
    {
        var world = await TestTenants.CreateAsync(Db, "bill");
        var form = (await AsAsync(world.Admin, s => s.GetSettingsAsync(null, Ct))).Form;
        form.BillingEmail = "new-billing@example.test";
        form.AddressLine1 = "<script>alert(1)</script>";
        await AsAsync(world.Admin, s => s.SaveSettingsAsync(null, form, Ct));
        var mails = Mail.For("new-billing@example.test", App);
        var mail = Assert.Single(mails);
        Assert.Contains("&lt;script&gt;", mail);
        Assert.DoesNotContain("<script>", mail);
        Assert.NotEmpty(Mail.For(world.Admin.Replace("admin@", "billing@"), App));
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("100000000")]
    [InlineData("10.005")]
    public async Task Revenue_below_zero_above_the_column_or_with_more_than_two_decimals_is_refused(string revenue)
    {
        var world = await TestTenants.CreateAsync(Db, "revenue");
        var form = await AsAsync(Demo.Admin, s => s.GetTenantAsync(world.TenantId, Ct));
        var before = form.MonthlyRevenue;
        form.MonthlyRevenue = decimal.Parse(revenue, System.Globalization.CultureInfo.InvariantCulture);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(Demo.Admin, s => s.UpdateTenantAsync(world.TenantId, form, Ct)));
        Assert.True(ex.Errors.ContainsKey(nameof(TenantEditForm.MonthlyRevenue)));
        await using var db = Db.CreateContext();
        Assert.Equal(before, await db.Tenants.Where(t => t.Id == world.TenantId).Select(t => t.MonthlyRevenue).SingleAsync(Ct));
    }

    public static TheoryData<string, int> BadPolicies() => new()
    {
        { nameof(TenantPoliciesForm.PasswordMinLength), 7 },
        { nameof(TenantPoliciesForm.PasswordMinLength), 129 },
        { nameof(TenantPoliciesForm.SessionTimeoutHours), 0 },
        { nameof(TenantPoliciesForm.SessionTimeoutHours), 721 },
        { nameof(TenantPoliciesForm.MaxLoginAttempts), 2 },
        { nameof(TenantPoliciesForm.MaxLoginAttempts), 21 },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public async Task Out_of_range_policies_are_refused(string field, int value)
    {
        var world = await TestTenants.CreateAsync(Db, "range");
        var form = (await AsAsync(world.Admin, s => s.GetPoliciesAsync(null, Ct))).Form;
        typeof(TenantPoliciesForm).GetProperty(field)!.SetValue(form, value);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Admin, s => s.SavePoliciesAsync(null, form, Ct)));
        Assert.True(ex.Errors.ContainsKey(field));
        await using var db = Db.CreateContext();
        Assert.Equal(form.Version, await db.TenantPolicies.Where(p => p.TenantId == world.TenantId).Select(p => p.Version).SingleAsync(Ct));
    }

    [Fact]
    public async Task The_impact_preview_counts_users_without_2fa_and_sign_ins_that_end()
    {
        var world = await TestTenants.CreateAsync(Db, "impact");
        await using (var db = Db.CreateContext())
        {
            await db.Users.Where(u => u.Id == world.MemberId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignIn, DateTime.UtcNow.AddHours(-5)), Ct);
            await db.Users.Where(u => u.Id == world.AdminId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignIn, DateTime.UtcNow.AddMinutes(-10)), Ct);
        }
        var form = (await AsAsync(world.Admin, s => s.GetPoliciesAsync(null, Ct))).Form;
        form.TwoFactorRequired = true;
        form.SessionTimeoutHours = 2;
        form.PasswordMinLength = 12;
        var impact = await AsAsync(world.Admin, s => s.PreviewPoliciesAsync(null, form, Ct));
        Assert.Equal((2, 2, 1, true), (impact.TenantUsers, impact.UsersWithout2fa, impact.SignInsEnded, impact.PasswordRulesStricter));
        Assert.True(impact.IsStricter);

        string Stamp(Guid id) { using var db = Db.CreateContext(); return db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp!).Single(); }
        var memberStamp = Stamp(world.MemberId);
        var adminStamp = Stamp(world.AdminId);
        await AsAsync(world.Admin, s => s.SavePoliciesAsync(null, form, Ct));
        Assert.NotEqual(memberStamp, Stamp(world.MemberId));
        Assert.Equal(adminStamp, Stamp(world.AdminId));

        // The admin now has to enrol an authenticator app like everyone else before anything else answers them.
        await Assert.ThrowsAsync<InfraAdmin.Authorization.PermissionDeniedException>(() => AsAsync(world.Admin, s => s.GetPoliciesAsync(null, Ct)));
        await using (var db = Db.CreateContext())
            await db.Users.Where(u => u.Id == world.AdminId).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true), Ct);
        App.Services.GetRequiredService<InfraAdmin.Authorization.PermissionStore>().Invalidate();

        var relaxed = (await AsAsync(world.Admin, s => s.GetPoliciesAsync(null, Ct))).Form;
        relaxed.SessionTimeoutHours = 24;
        Assert.False((await AsAsync(world.Admin, s => s.PreviewPoliciesAsync(null, relaxed, Ct))).IsStricter);
    }

    [Fact]
    public async Task A_saved_minimum_length_applies_to_the_members_next_password()
    {
        var world = await TestTenants.CreateAsync(Db, "minlen");
        var form = (await AsAsync(world.Admin, s => s.GetPoliciesAsync(null, Ct))).Form;
        form.PasswordMinLength = 12;
        await AsAsync(world.Admin, s => s.SavePoliciesAsync(null, form, Ct));
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.AppUser>>();
        var member = await users.FindByEmailAsync(world.Member);
        var weak = await users.ChangePasswordAsync(member!, TestTenants.Password, "Short-pw-1");
        Assert.Contains(weak.Errors, e => e.Description.Contains("at least 12"));
        var strong = await users.ChangePasswordAsync(member!, TestTenants.Password, "Long-enough-pw-1");
        Assert.True(strong.Succeeded);
    }
}
