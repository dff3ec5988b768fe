using InfraAdmin.Data;
using InfraAdmin.Components.Layout;
using InfraAdmin.Features.Preferences;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using InfraAdmin.Components.Shared;

namespace InfraAdmin.Tests.Integration.Preferences;

/// <summary>Preferences: one row per user, validation, concurrency, and the theme and clock following them.</summary>
public sealed class PreferencesServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Saving_twice_keeps_one_row_and_the_clock_and_theme_follow()
    {
        var world = await TestTenants.CreateAsync(Db, "prefs");
        await using (var scope = await App.ScopeAsAsync(world.Member))
        {
            var service = scope.ServiceProvider.GetRequiredService<PreferencesService>();
            var form = await service.GetAsync(Ct);
            Assert.False(form.Exists);
            form.Theme = PreferenceRules.Dark; form.Language = "de-DE"; form.TimeZone = "Asia/Tokyo"; form.WeeklyReports = true;
            form.Version = await service.SaveAsync(form, Ct);
            form.Exists = true;
            form.Theme = PreferenceRules.Light;
            await service.SaveAsync(form, Ct);
        }
        await using var db = Db.CreateContext();
        var rows = await db.UserPreferences.AsNoTracking().Where(p => p.UserId == world.MemberId).ToListAsync(Ct);
        var row = Assert.Single(rows);
        Assert.Equal(("light", "de-DE", "Asia/Tokyo", true), (row.Theme, row.Language, row.Timezone, row.WeeklyReports));

        await using var reader = await App.ScopeAsAsync(world.Member);
        var clock = reader.ServiceProvider.GetRequiredService<UserClock>();
        await clock.EnsureLoadedAsync();
        Assert.Equal("Asia/Tokyo", clock.Zone.Id);
        Assert.Equal("2026-01-01 09:00 UTC+9", clock.Format(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("1.234,50\u00A0USD", clock.Money(1234.5m));
        var theme = reader.ServiceProvider.GetRequiredService<ThemeState>();
        await theme.InitializeAsync();
        Assert.False(theme.IsDarkMode);
    }

    [Fact]
    public async Task The_app_bar_switch_is_kept_as_the_theme_for_the_next_visit()
    {
        var world = await TestTenants.CreateAsync(Db, "switch");
        await using (var scope = await App.ScopeAsAsync(world.Member))
        {
            var theme = scope.ServiceProvider.GetRequiredService<ThemeState>();
            await theme.InitializeAsync();
            Assert.False(theme.IsDarkMode);
            await theme.ToggleDarkModeAsync();
            Assert.True(theme.IsDarkMode);
        }
        await using (var db = Db.CreateContext())
        {
            var row = await db.UserPreferences.AsNoTracking().SingleAsync(p => p.UserId == world.MemberId, Ct);
            Assert.Equal(PreferenceRules.Dark, row.Theme);
            Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "preferences.update" && a.EntityType == "user_preferences", Ct));
        }
        await using (var next = await App.ScopeAsAsync(world.Member))
        {
            var theme = next.ServiceProvider.GetRequiredService<ThemeState>();
            await theme.InitializeAsync();
            Assert.True(theme.IsDarkMode);
            await theme.ToggleDarkModeAsync();
        }
        await using var check = Db.CreateContext();
        Assert.Equal(PreferenceRules.Light, await check.UserPreferences.Where(p => p.UserId == world.MemberId).Select(p => p.Theme).SingleAsync(Ct));
    }

    [Fact]
    public async Task Dark_preference_and_the_tenant_colour_reach_the_theme()
    {
        var world = await TestTenants.CreateAsync(Db, "look");
        await using (var db = Db.CreateContext())
        {
            await db.TenantConfigs.Where(c => c.TenantId == world.TenantId).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.ThemePrimaryColor, "#AB1234").SetProperty(c => c.ThemeLogoUrl, "javascript:alert(1)"), Ct);
        }
        await using (var scope = await App.ScopeAsAsync(world.Member))
        {
            var service = scope.ServiceProvider.GetRequiredService<PreferencesService>();
            var form = await service.GetAsync(Ct);
            form.Theme = PreferenceRules.Dark;
            await service.SaveAsync(form, Ct);
        }
        await using var reader = await App.ScopeAsAsync(world.Member);
        var theme = reader.ServiceProvider.GetRequiredService<ThemeState>();
        await theme.InitializeAsync();
        Assert.True(theme.IsDarkMode);
        Assert.Equal("#AB1234", theme.Theme.PaletteLight.Primary.ToString(MudBlazor.Utilities.MudColorOutputFormats.Hex).ToUpperInvariant());
        Assert.Null(theme.LogoUrl); // a URL written around the service that is not https never reaches the page
    }

    [Theory]
    [InlineData(nameof(PreferencesForm.Theme), "neon")]
    [InlineData(nameof(PreferencesForm.Language), "xx-XX")]
    [InlineData(nameof(PreferencesForm.TimeZone), "Europe/Atlantis")]
    public async Task Bad_preferences_are_refused(string field, string value)
    {
        var world = await TestTenants.CreateAsync(Db, "badpref");
        await using var scope = await App.ScopeAsAsync(world.Member);
        var service = scope.ServiceProvider.GetRequiredService<PreferencesService>();
        var form = await service.GetAsync(Ct);
        typeof(PreferencesForm).GetProperty(field)!.SetValue(form, value);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => service.SaveAsync(form, Ct));
        Assert.True(ex.Errors.ContainsKey(field));
        await using var db = Db.CreateContext();
        Assert.False(await db.UserPreferences.AnyAsync(p => p.UserId == world.MemberId, Ct));
    }

    [Fact]
    public async Task A_stale_form_does_not_overwrite_a_newer_save()
    {
        var world = await TestTenants.CreateAsync(Db, "stalepref");
        await using var scope = await App.ScopeAsAsync(world.Member);
        var service = scope.ServiceProvider.GetRequiredService<PreferencesService>();
        var first = await service.GetAsync(Ct);
        var second = first.Copy();
        await service.SaveAsync(first, Ct);
        await Assert.ThrowsAsync<StaleEditException>(() => service.SaveAsync(second, Ct));
    }
}
