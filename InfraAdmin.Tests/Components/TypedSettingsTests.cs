using System.Security.Claims;
using System.Text.Json;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using InfraAdmin.Components.Shared;

namespace InfraAdmin.Tests.Components;

/// <summary>Known settings have a type, range and default: the service and the editor refuse what breaks them, and a bad stored value falls back to the default.</summary>
public sealed class TypedSettingsTests : BunitTest, IClassFixture<IntegrationTest.AppFixture>
{
    private readonly IntegrationTest.AppFixture _fixture;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public TypedSettingsTests(IntegrationTest.AppFixture fixture)
    {
        _fixture = fixture;
        var app = fixture.App.Services;
        Services.AddSingleton(app.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>());
        Services.AddSingleton(app.GetRequiredService<PermissionStore>());
        Services.AddSingleton(app.GetRequiredService<SystemSettings>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<UserClock>();
        Services.AddScoped<SystemConfigService>();
    }

    private async Task<ConfigRow> RowAsync(string key)
    {
        await using var scope = await _fixture.App.ScopeAsAsync(Demo.Admin);
        return (await scope.ServiceProvider.GetRequiredService<SystemConfigService>().GetAsync(key, Ct))!;
    }

    private async Task UpdateAsync(string key, string json)
    {
        var row = await RowAsync(key);
        await using var scope = await _fixture.App.ScopeAsAsync(Demo.Admin);
        await scope.ServiceProvider.GetRequiredService<SystemConfigService>().UpdateAsync(key,
            new ConfigInput { Category = row.Category, Description = row.Description, IsSensitive = row.IsSensitive, ValueJson = json }, row.Version, Ct);
    }

    /// <summary>Writes a value past the service, as an old version or a hand-edited database would have.</summary>
    private async Task StoreDirectlyAsync(string key, string json)
    {
        await using var db = _fixture.Database.CreateContext();
        await db.SystemConfig.Where(c => c.Key == key).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, JsonDocument.Parse(json, default)), Ct);
        _fixture.App.Services.GetRequiredService<SystemSettings>().Invalidate();
    }

    [Theory]
    [InlineData(SettingKeys.StaffPasswordMinLength, "3")]
    [InlineData(SettingKeys.StaffPasswordMinLength, "129")]
    [InlineData(SettingKeys.StaffMaxLoginAttempts, "2")]
    [InlineData(SettingKeys.StaffSessionHours, "25")]
    [InlineData(SettingKeys.Staff2faRequired, "\"yes\"")]
    [InlineData(SettingKeys.IpReputationStaleHours, "\"abc\"")]
    [InlineData(SettingKeys.IpReputationStaleHours, "-5")]
    [InlineData(SettingKeys.IpReputationStaleHours, "721")]
    [InlineData(SettingKeys.IpReputationStaleHours, "1.5")]
    public async Task The_service_refuses_a_value_of_the_wrong_type_or_out_of_range(string key, string json)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => UpdateAsync(key, json));
        Assert.Contains(SettingCatalog.Find(key)!.Label, ex.Errors[nameof(ConfigInput.ValueJson)]);
        Assert.NotEqual(json, (await RowAsync(key)).PrettyValue);
    }

    [Fact]
    public async Task In_range_values_are_saved_and_unknown_keys_stay_free_json()
    {
        await UpdateAsync(SettingKeys.StaffSessionHours, "24");
        Assert.Equal(24, await _fixture.App.Services.GetRequiredService<SystemSettings>().GetAsync(SettingCatalog.StaffSessionHours, Ct));
        await UpdateAsync("vps.default_region", "[1, \"anything\"]");
        await UpdateAsync(SettingKeys.StaffSessionHours, "8");
    }

    [Fact]
    public async Task A_stored_out_of_range_password_length_falls_back_to_the_default_so_a_short_password_is_refused()
    {
        await StoreDirectlyAsync(SettingKeys.StaffPasswordMinLength, "3");
        await StoreDirectlyAsync(SettingKeys.IpReputationStaleHours, "\"abc\"");
        try
        {
            var settings = _fixture.App.Services.GetRequiredService<SystemSettings>();
            Assert.Equal(12, await settings.GetAsync(SettingCatalog.StaffPasswordMinLength, Ct));
            Assert.Equal(24, await settings.GetAsync(SettingCatalog.IpReputationStaleHours, Ct));

            using var scope = _fixture.App.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var result = await users.CreateAsync(new AppUser { UserName = "typed-short@test.local", Email = "typed-short@test.local" }, "Short-1");
            Assert.False(result.Succeeded);
            Assert.Contains(result.Errors, e => e.Description.Contains("at least 12 characters"));

            var row = await RowAsync(SettingKeys.StaffPasswordMinLength);
            Assert.Contains("uses the default", row.Problem);
        }
        finally
        {
            await StoreDirectlyAsync(SettingKeys.StaffPasswordMinLength, "12");
            await StoreDirectlyAsync(SettingKeys.IpReputationStaleHours, "24");
        }
    }

    private IRenderedComponent<SystemConfigPage> RenderPage()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(Demo.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, SeedIds.For("user:" + Demo.Admin).ToString()));
        auth.SetPolicies(new[] { Permissions.Config.View, Permissions.Config.Manage }.Select(Policies.For).ToArray());
        SetRendererInfo(new RendererInfo("Server", true));
        Render<MudPopoverProvider>();
        var cut = Render<SystemConfigPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=config-row]").Count > 0, TimeSpan.FromSeconds(30));
        return cut;
    }

    [Fact]
    public async Task The_page_shows_each_known_keys_type_and_range_and_flags_a_stored_bad_value()
    {
        await StoreDirectlyAsync(SettingKeys.StaffMaxLoginAttempts, "99");
        try
        {
            var cut = RenderPage();
            var row = cut.Find($"[data-testid=config-row][data-key='{SettingKeys.StaffPasswordMinLength}']");
            Assert.Contains("Integer · A whole number from 8 to 128 (default 12)", row.QuerySelector("[data-testid=config-rule]")!.TextContent);
            Assert.Null(row.QuerySelector("[data-testid=config-problem]"));
            var bad = cut.Find($"[data-testid=config-row][data-key='{SettingKeys.StaffMaxLoginAttempts}']");
            Assert.Contains("uses the default", bad.QuerySelector("[data-testid=config-problem]")!.TextContent);
            var free = cut.Find("[data-testid=config-row][data-key='mail.from_address']");
            Assert.Null(free.QuerySelector("[data-testid=config-rule]"));
        }
        finally
        {
            await StoreDirectlyAsync(SettingKeys.StaffMaxLoginAttempts, "5");
        }
    }

    [Fact]
    public async Task The_editor_shows_the_rule_and_refuses_an_out_of_range_value_beside_the_field()
    {
        var cut = RenderPage();
        await ClickAsync(cut, $"[data-testid=config-row][data-key='{SettingKeys.IpReputationStaleHours}'] [data-testid=edit]");
        cut.WaitForAssertion(() => Assert.Contains("1 to 720", cut.Find("[data-testid=editor-rule]").TextContent), TimeSpan.FromSeconds(30));
        Type(cut, "textarea[data-testid=value-input]", "-5");
        cut.WaitForAssertion(() => Assert.Contains("whole number from 1 to 720 (not -5)", cut.Find("[data-testid=config-editor]").TextContent), TimeSpan.FromSeconds(30));
        await SubmitAsync(cut, "[data-testid=config-editor] form");
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=config-editor]").GetAttribute("data-saves")), TimeSpan.FromSeconds(30));
        Assert.Contains("whole number from 1 to 720 (not -5)", cut.Find("[data-testid=config-editor]").TextContent);
        Assert.Equal("24", (await RowAsync(SettingKeys.IpReputationStaleHours)).PrettyValue);
    }
}
