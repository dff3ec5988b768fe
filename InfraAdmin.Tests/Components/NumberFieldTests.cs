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
using InfraAdmin.Components.Shared;

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
        Type(cut, "input[data-testid=rollout-input]", typed);
        cut.WaitForAssertion(() => Assert.Contains(rule, cut.Markup));
        Assert.Equal(typed, cut.Find("input[data-testid=rollout-input]").GetAttribute("value") ?? "");
        Assert.True(cut.Find("button[data-testid=save-flag]").HasAttribute("disabled"));
        Assert.DoesNotContain("In rollout:", cut.Find("[data-testid=preview-count]").TextContent);
    }

    [Fact]
    public async Task A_valid_rollout_percentage_enables_save_and_updates_the_preview()
    {
        var cut = await RenderFlagAsync();
        Type(cut, "input[data-testid=rollout-input]", "100");
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
        Type(cut, $"input[data-testid={field}]", typed);
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
        Type(cut, "input[data-testid=vps-monthly-cost]", "");
        Type(cut, "input[data-testid=vps-billing-day]", "");
        cut.WaitForAssertion(() => Assert.True(cut.FindAll(".mud-input-error, .mud-input-helper-text.mud-input-error").Count > 0 || cut.Markup.Contains("Required")));
        Assert.Contains("Required", cut.Markup);
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("abc", "A whole number between 0 and 100")]
    [InlineData("-5", "Between 0 and 100")]
    [InlineData("101", "Between 0 and 100")]
    [InlineData("", "Required")]
    public async Task A_bad_rollout_percentage_for_a_new_flag_keeps_the_text_blocks_create_and_a_valid_one_is_saved_exactly(string typed, string rule)
    {
        Render<MudPopoverProvider>();
        var cut = Render<FeatureFlagsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=flag-list]"), TimeSpan.FromSeconds(30));
        await ClickAsync(cut, "button[data-testid=new-flag]");
        cut.WaitForElement("input[data-testid=flag-key-input]");
        var key = "num-" + Guid.NewGuid().ToString("N")[..8];
        Change(cut, "input[data-testid=flag-key-input]", key);
        Type(cut, "input[data-testid=new-flag-rollout]", typed);

        cut.WaitForAssertion(() => Assert.Equal(rule, RuleBeside(cut, "new-flag-rollout")));
        Assert.Equal(typed, cut.Find("input[data-testid=new-flag-rollout]").GetAttribute("value") ?? "");
        Assert.True(cut.Find("button[data-testid=create-flag]").HasAttribute("disabled"));
        await SubmitAsync(cut, "[data-testid=flag-editor] form"); // Enter in a field
        await using (var db = _fixture.Database.CreateContext())
            Assert.False(await db.FeatureFlags.AnyAsync(f => f.Key == key, Ct));

        Type(cut, "input[data-testid=new-flag-rollout]", "37");
        cut.WaitForAssertion(() => Assert.False(cut.Find("button[data-testid=create-flag]").HasAttribute("disabled")));
        Assert.Null(RuleBeside(cut, "new-flag-rollout"));
        await SubmitAsync(cut, "[data-testid=flag-editor] form");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=flag-editor]"))); // created and closed
        await using (var db = _fixture.Database.CreateContext())
            Assert.Equal(37, await db.FeatureFlags.Where(f => f.Key == key).Select(f => f.RolloutPercentage).SingleAsync(Ct));
    }

    private IRenderedComponent<VpsPage> RenderVpsPage(string uri)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
        Render<MudPopoverProvider>();
        var cut = Render<VpsPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=vps-link]")), TimeSpan.FromSeconds(30));
        return cut;
    }

    /// <summary>Types a bad value and waits for its rule, then the valid one and waits for the rule to go.</summary>
    private static void TypeValid(IRenderedComponent<VpsPage> cut, string field, string bad, string valid)
    {
        Type(cut, $"input[data-testid={field}]", bad);
        cut.WaitForAssertion(() => Assert.NotNull(RuleBeside(cut, field)));
        Type(cut, $"input[data-testid={field}]", valid);
        cut.WaitForAssertion(() => Assert.Null(RuleBeside(cut, field)));
    }

    private static List<string> GridIds(IRenderedComponent<VpsPage> cut) =>
        cut.FindAll("[data-testid=vps-link]").Select(a => a.TextContent.Trim()).Order().ToList();

    private async Task<List<string>> IdsWithBillingDayAsync(int day)
    {
        await using var db = _fixture.Database.CreateContext();
        return (await db.VpsInstances.Where(v => v.HostwindsBillingDay == day).Select(v => v.HostwindsInstanceId!).ToListAsync(Ct)).Order().ToList();
    }

    [Theory]
    [InlineData("filter-billing-day", "abc", "A whole number between 1 and 31")]
    [InlineData("filter-billing-day", "-5", "Between 1 and 31")]
    [InlineData("filter-billing-day", "0", "Between 1 and 31")]
    [InlineData("filter-billing-day", "32", "Between 1 and 31")]
    [InlineData("filter-renewing-within", "abc", "A whole number between 0 and 366")]
    [InlineData("filter-renewing-within", "-5", "Between 0 and 366")]
    [InlineData("filter-renewing-within", "367", "Between 0 and 366")]
    public async Task A_bad_vps_filter_number_keeps_the_text_shows_the_rule_and_is_not_applied(string field, string typed, string rule)
    {
        var cut = RenderVpsPage("vps?billing_day=31");
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;
        var day31 = await IdsWithBillingDayAsync(31);
        Assert.NotEmpty(day31);
        cut.WaitForAssertion(() => Assert.Equal(day31, GridIds(cut)));

        Type(cut, $"input[data-testid={field}]", typed);
        cut.WaitForAssertion(() => Assert.Equal(rule, RuleBeside(cut, field)));
        Assert.Equal(typed, cut.Find($"input[data-testid={field}]").GetAttribute("value"));
        Assert.True(cut.Find("button[data-testid=apply-filters]").HasAttribute("disabled"));
        await SubmitAsync(cut, "form[data-testid=vps-filters]"); // Enter in a field
        Assert.Equal(before, navigation.Uri);
        Assert.Equal(day31, GridIds(cut)); // the filter it had, not a clamped one
    }

    [Fact]
    public async Task A_valid_vps_filter_number_is_applied_exactly_and_an_empty_one_means_no_filter()
    {
        var cut = RenderVpsPage("vps");
        var navigation = Services.GetRequiredService<NavigationManager>();
        // Each valid value follows a bad one, and the test waits for the bad one's rule to go: that proves the field's
        // value has reached the page (Apply is enabled for an empty field too, so its state alone proves nothing).
        TypeValid(cut, "filter-billing-day", "32", "31");
        await SubmitAsync(cut, "form[data-testid=vps-filters]");
        Assert.Contains("billing_day=31", navigation.Uri);
        var day31 = await IdsWithBillingDayAsync(31);
        cut.WaitForAssertion(() => Assert.Equal(day31, GridIds(cut)), TimeSpan.FromSeconds(30));

        TypeValid(cut, "filter-billing-day", "0", ""); // empty: no billing-day filter
        TypeValid(cut, "filter-renewing-within", "367", "366");
        Assert.False(cut.Find("button[data-testid=apply-filters]").HasAttribute("disabled"));
        await SubmitAsync(cut, "form[data-testid=vps-filters]");
        Assert.DoesNotContain("billing_day", navigation.Uri);
        Assert.Contains("renewing_within=366", navigation.Uri);
        Assert.Empty(cut.FindAll("[data-testid=filter-message]"));
        var horizon = DateTime.UtcNow.AddDays(366);
        await using var db = _fixture.Database.CreateContext();
        var renewing = (await db.VpsInstances.Where(v => v.Status != InfraAdmin.Data.Entities.VpsStatus.Decommissioned && v.CurrentBillingPeriodEnd <= horizon)
            .Select(v => v.HostwindsInstanceId!).ToListAsync(Ct)).Order().ToList();
        cut.WaitForAssertion(() => Assert.Equal(renewing, GridIds(cut)), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void What_is_typed_in_a_filter_stays_when_the_page_is_given_its_parameters_again()
    {
        var cut = RenderVpsPage("vps");
        Type(cut, "input[data-testid=filter-renewing-within]", "abc");
        cut.WaitForAssertion(() => Assert.NotNull(RuleBeside(cut, "filter-renewing-within")));
        Type(cut, "input[data-testid=filter-billing-day]", "31");
        cut.WaitForAssertion(() => Assert.Equal("31", cut.Find("input[data-testid=filter-billing-day]").GetAttribute("value")));

        cut.Render(); // parameters set again (as a cascading value does) with the same URL: not a new filter

        Assert.Equal("31", cut.Find("input[data-testid=filter-billing-day]").GetAttribute("value"));
        Assert.Equal("abc", cut.Find("input[data-testid=filter-renewing-within]").GetAttribute("value"));
        Assert.NotNull(RuleBeside(cut, "filter-renewing-within"));
    }
}
