using InfraAdmin.Components.Shared;
using InfraAdmin.Data;
using InfraAdmin.Features.Preferences;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace InfraAdmin.Tests.Integration.Live;

/// <summary>
/// ViewerProfiles: the viewer's preferences and tenant look in one read, kept until the change feed hears a change of
/// the tables it reads or the writer's own instance forgets it. The feed here listens but hears nothing unless a test
/// publishes, so each test decides exactly when a change is heard.
/// </summary>
public sealed class ViewerProfilesTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ChangeFeed _feed = new(NullLogger<ChangeFeed>.Instance);

    private ViewerProfiles NewProfiles()
    {
        ((IDatabaseNotificationHandler)_feed).OnListening();
        return new ViewerProfiles(App.Services.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>(), _feed, TimeProvider.System);
    }

    private async Task ExecAsync(string sql)
    {
        await using var db = Db.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    [Fact]
    public async Task One_read_gives_the_viewers_preferences_and_their_tenants_look_and_staff_have_no_tenant()
    {
        var world = await TestTenants.CreateAsync(Db, "viewer");
        await ExecAsync($"""
            UPDATE tenant_config SET theme_primary_color = '#112233', theme_logo_url = 'https://cdn.example.com/l.png',
                theme_favicon_url = 'https://cdn.example.com/f.ico', ui_sidebar_default_collapsed = true, ui_timezone = 'Europe/Paris'
            WHERE tenant_id = '{world.TenantId}';
            INSERT INTO user_preferences (id, user_id, theme, language, timezone, created, updated)
            VALUES (gen_random_uuid(), '{world.MemberId}', 'dark', 'de-DE', 'Asia/Tokyo', now(), now());
            """);
        var profiles = NewProfiles();

        var member = await profiles.GetAsync(world.MemberId, Ct);
        Assert.Equal(("Asia/Tokyo", "de-DE", "dark"), (member.Timezone, member.Language, member.Theme));
        Assert.Equal(new ViewerTenant("Test viewer", "Europe/Paris", "yyyy-MM-dd", "#112233", "https://cdn.example.com/l.png",
            "https://cdn.example.com/f.ico", true), member.Tenant);

        var admin = await profiles.GetAsync(world.AdminId, Ct); // no preferences row: only the tenant's settings
        Assert.Equal((null, null, null), (admin.Timezone, admin.Language, admin.Theme));
        Assert.Equal("Europe/Paris", admin.Tenant?.UiTimezone);

        await using var db = Db.CreateContext();
        var staffId = await db.Users.Where(u => u.Email == Demo.Admin).Select(u => u.Id).SingleAsync(Ct);
        var staff = await profiles.GetAsync(staffId, Ct);
        Assert.Null(staff.Tenant);
        Assert.Same(ViewerProfile.None, await profiles.GetAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task A_kept_profile_stays_until_a_change_of_its_tables_is_heard_or_the_user_is_forgotten()
    {
        var world = await TestTenants.CreateAsync(Db, "viewer-kept");
        var profiles = NewProfiles();
        Assert.Equal("UTC", (await profiles.GetAsync(world.MemberId, Ct)).Tenant?.UiTimezone);

        await ExecAsync($"UPDATE tenant_config SET ui_timezone = 'Europe/Berlin' WHERE tenant_id = '{world.TenantId}'");
        Assert.Equal("UTC", (await profiles.GetAsync(world.MemberId, Ct)).Tenant?.UiTimezone); // kept: no change heard
        _feed.Publish(new DataChange(LiveTables.Vps));
        Assert.Equal("UTC", (await profiles.GetAsync(world.MemberId, Ct)).Tenant?.UiTimezone); // another table's change keeps it
        _feed.Publish(new DataChange(LiveTables.TenantConfig, [world.TenantId.ToString()]));
        Assert.Equal("Europe/Berlin", (await profiles.GetAsync(world.MemberId, Ct)).Tenant?.UiTimezone);

        foreach (var (table, sql, expected) in new[]
        {
            (LiveTables.Preferences, $"INSERT INTO user_preferences (id, user_id, timezone, created, updated) VALUES (gen_random_uuid(), '{world.MemberId}', 'Asia/Tokyo', now(), now())", "Asia/Tokyo"),
            (LiveTables.Users, $"UPDATE users SET tenant_id = NULL, tenant_role = NULL WHERE id = '{world.MemberId}'", null),
        })
        {
            var before = await profiles.GetAsync(world.MemberId, Ct);
            await ExecAsync(sql);
            Assert.Equal(before, await profiles.GetAsync(world.MemberId, Ct));
            _feed.Publish(new DataChange(table, [world.MemberId.ToString()]));
            var after = await profiles.GetAsync(world.MemberId, Ct);
            Assert.NotEqual(before, after);
            if (expected is not null) Assert.Equal(expected, after.Timezone);
            else Assert.Null(after.Tenant);
        }

        await ExecAsync($"UPDATE user_preferences SET theme = 'dark' WHERE user_id = '{world.MemberId}'");
        Assert.NotEqual("dark", (await profiles.GetAsync(world.MemberId, Ct)).Theme);
        profiles.Forget(world.MemberId);
        Assert.Equal("dark", (await profiles.GetAsync(world.MemberId, Ct)).Theme);
    }

    [Fact]
    public async Task Nothing_is_kept_while_the_feed_is_not_listening()
    {
        var world = await TestTenants.CreateAsync(Db, "viewer-deaf");
        var profiles = NewProfiles();
        ((IDatabaseNotificationHandler)_feed).OnNotListening();
        Assert.Equal("UTC", (await profiles.GetAsync(world.MemberId, Ct)).Tenant?.UiTimezone);
        await ExecAsync($"UPDATE tenant_config SET ui_timezone = 'Europe/Berlin' WHERE tenant_id = '{world.TenantId}'");
        Assert.Equal("Europe/Berlin", (await profiles.GetAsync(world.MemberId, Ct)).Tenant?.UiTimezone);
    }

    [Fact]
    public async Task Saving_preferences_or_the_tenants_settings_shows_on_the_savers_next_page_before_the_feed_hears_it()
    {
        var world = await TestTenants.CreateAsync(Db, "viewer-save");
        var profiles = NewProfiles();

        await using (var scope = await App.ScopeAsAsync(world.Member))
        {
            Assert.Null((await profiles.GetAsync(world.MemberId, Ct)).Timezone);
            var service = ActivatorUtilities.CreateInstance<PreferencesService>(scope.ServiceProvider, profiles);
            var form = await service.GetAsync(Ct);
            form.TimeZone = "Asia/Tokyo";
            await service.SaveAsync(form, Ct);
            Assert.Equal("Asia/Tokyo", (await profiles.GetAsync(world.MemberId, Ct)).Timezone);
            await service.SaveThemeAsync(PreferenceRules.Dark, Ct);
            Assert.Equal(PreferenceRules.Dark, (await profiles.GetAsync(world.MemberId, Ct)).Theme);
        }

        await using (var scope = await App.ScopeAsAsync(world.Admin))
        {
            Assert.Null((await profiles.GetAsync(world.AdminId, Ct)).Tenant?.PrimaryColor);
            var service = ActivatorUtilities.CreateInstance<TenantService>(scope.ServiceProvider, profiles);
            var form = (await service.GetSettingsAsync(null, Ct)).Form.Copy();
            form.PrimaryColor = "#AA3300";
            await service.SaveSettingsAsync(null, form, Ct);
            Assert.Equal("#AA3300", (await profiles.GetAsync(world.AdminId, Ct)).Tenant?.PrimaryColor);
        }
    }
}
