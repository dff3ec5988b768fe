using System.Security.Claims;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Platform;
using InfraAdmin.Features.Vps;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>Number fields keep what was typed, say the rule beside the field and block Save: nothing is clamped or read as 0.</summary>
public sealed class NumberFieldTests : BunitTest, IClassFixture<IntegrationTest.AppFixture>
{
    private readonly IntegrationTest.AppFixture _fixture;

    public NumberFieldTests(IntegrationTest.AppFixture fixture)
    {
        _fixture = fixture;
        var app = fixture.App.Services;
        Services.AddSingleton(app.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>());
        Services.AddSingleton(app.GetRequiredService<PermissionStore>());
        Services.AddSingleton(app.GetRequiredService<SystemSettings>());
        Services.AddSingleton(app.GetRequiredService<FeatureFlagDefinitionProvider>());
        Services.AddSingleton(app.GetRequiredService<Hangfire.IBackgroundJobClient>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddSingleton(app.GetRequiredService<InfraAdmin.Features.Costs.CostRollup>());
        Services.AddScoped<InfraAdmin.Features.Costs.CostRefresher>();
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<UserClock>();
        Services.AddScoped<FeatureFlagService>();
        Services.AddScoped<VpsService>();
        var auth = AddAuthorization();
        auth.SetAuthorized(Demo.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, SeedIds.For("user:" + Demo.Admin).ToString()));
        auth.SetPolicies(new[] { Permissions.Flags.View, Permissions.Flags.Manage, Permissions.Vps.View, Permissions.Vps.Manage }.Select(Policies.For).ToArray());
        SetRendererInfo(new RendererInfo("Server", true));
    }

    private async Task<IRenderedComponent<FlagCard>> RenderFlagAsync()
    {
        await using var scope = await _fixture.App.ScopeAsAsync(Demo.Admin);
        var flag = (await scope.ServiceProvider.GetRequiredService<FeatureFlagService>().ListAsync(Xunit.TestContext.Current.CancellationToken))
            .Single(f => f.Key == "smart-warmup");
        Render<MudPopoverProvider>();
        var cut = Render<FlagCard>(p => p.Add(x => x.Flag, flag));
        cut.WaitForAssertion(() => Assert.Contains("In rollout:", cut.Find("[data-testid=preview-count]").TextContent), TimeSpan.FromSeconds(30));
        return cut;
    }

    [Theory]
    [InlineData("abc", "A whole number between 0 and 100")]
    [InlineData("-5", "Between 0 and 100")]
    [InlineData("101", "Between 0 and 100")]
    [InlineData("", "Required")]
    public async Task A_bad_rollout_percentage_keeps_the_text_shows_the_rule_blocks_save_and_shows_no_stale_preview(string typed, string rule)
    {
        var cut = await RenderFlagAsync();
        cut.Find("input[data-testid=rollout-input]").Input(typed);
        cut.WaitForAssertion(() => Assert.Contains(rule, cut.Markup));
        Assert.Equal(typed, cut.Find("input[data-testid=rollout-input]").GetAttribute("value") ?? "");
        Assert.True(cut.Find("button[data-testid=save-flag]").HasAttribute("disabled"));
        Assert.DoesNotContain("In rollout:", cut.Find("[data-testid=preview-count]").TextContent);
    }

    [Fact]
    public async Task A_valid_rollout_percentage_enables_save_and_updates_the_preview()
    {
        var cut = await RenderFlagAsync();
        cut.Find("input[data-testid=rollout-input]").Input("100");
        cut.WaitForAssertion(() => Assert.Contains($"In rollout: {DemoSeeder.TenantCount} of {DemoSeeder.TenantCount} tenants", cut.Find("[data-testid=preview-count]").TextContent), TimeSpan.FromSeconds(30));
        Assert.False(cut.Find("button[data-testid=save-flag]").HasAttribute("disabled"));
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenVpsDialogAsync()
    {
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<VpsEditDialog>("New VPS instance",
            new DialogParameters<VpsEditDialog> { { d => d.Form, new VpsForm { Region = "us-east" } } }));
        provider.WaitForAssertion(() => Assert.NotNull(provider.Find("[data-testid=vps-edit-dialog], .mud-dialog")));
        return provider;
    }

    [Theory]
    [InlineData("vps-billing-day", "0", "Between 1 and 31")]
    [InlineData("vps-billing-day", "32", "Between 1 and 31")]
    [InlineData("vps-monthly-cost", "-5", "Must be 0 or more")]
    [InlineData("vps-approximate-cost", "-0.01", "Must be 0 or more")]
    public async Task A_bad_vps_number_keeps_the_text_shows_the_rule_and_blocks_save(string field, string typed, string rule)
    {
        var cut = await OpenVpsDialogAsync();
        cut.Find($"input[data-testid={field}]").Input(typed);
        cut.WaitForAssertion(() => Assert.Contains(rule, cut.Markup));
        Assert.Equal(typed, cut.Find($"input[data-testid={field}]").GetAttribute("value"));
        Assert.True(cut.Find("button[data-testid=vps-save]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task An_empty_vps_form_says_required_beside_the_fields_not_only_in_the_browsers_bubble()
    {
        var cut = await OpenVpsDialogAsync();
        Assert.True(cut.Find("form#vps-edit-form").HasAttribute("novalidate"));
        Assert.True(cut.Find("button[data-testid=vps-save]").HasAttribute("disabled")); // cost and day are empty
        cut.Find("input[data-testid=vps-monthly-cost]").Input("");
        cut.Find("input[data-testid=vps-billing-day]").Input("");
        cut.WaitForAssertion(() => Assert.True(cut.FindAll(".mud-input-error, .mud-input-helper-text.mud-input-error").Count > 0 || cut.Markup.Contains("Required")));
        Assert.Contains("Required", cut.Markup);
    }
}
