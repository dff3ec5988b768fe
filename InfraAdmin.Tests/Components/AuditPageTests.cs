using InfraAdmin.Features.Platform;
using System.Security.Claims;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Audit;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using InfraAdmin.Components.Shared;

namespace InfraAdmin.Tests.Components;

/// <summary>The audit page's Action filter suggests the audit action catalog and still filters by any text.</summary>
public sealed class AuditPageTests : BunitTest, IClassFixture<IntegrationTest.AppFixture>
{
    public AuditPageTests(IntegrationTest.AppFixture fixture)
    {
        var app = fixture.App.Services;
        Services.AddSingleton(app.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>());
        Services.AddSingleton(app.GetRequiredService<PermissionStore>());
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<CurrentUser>();
        Services.AddSingleton(app.GetRequiredService<SystemSettings>());
        Services.AddScoped<UserClock>();
        Services.AddSingleton(app.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>());
        Services.AddScoped<AuditService>();
        var auth = AddAuthorization();
        auth.SetAuthorized(Demo.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, SeedIds.For("user:" + Demo.Admin).ToString()));
        auth.SetPolicies(Policies.AuditView);
    }

    [Fact]
    public async Task The_action_filter_suggests_the_catalog_actions_that_match_the_text()
    {
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<AuditPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=audit-grid]").Count > 0);

        await cut.InvokeAsync(() => cut.FindComponent<MudAutocomplete<string>>().Find("input").Input("staff.role"));

        var expected = AuditActions.All.Where(a => a.Contains("staff.role", StringComparison.Ordinal)).ToList();
        Assert.Equal(["staff.role_change", "staff.role.create", "staff.role.update", "staff.role.delete"], expected);
        popovers.WaitForState(() => popovers.FindAll(".mud-list-item").Count == expected.Count);
        Assert.Equal(expected, popovers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()));
    }

    [Fact]
    public async Task Text_that_is_no_suggestion_still_filters()
    {
        Render<MudPopoverProvider>();
        var cut = Render<AuditPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=audit-grid]").Count > 0);

        var action = cut.FindComponent<MudAutocomplete<string>>();
        await cut.InvokeAsync(() => action.Find("input").Input("some.future_action"));
        cut.WaitForState(() => action.Instance.GetState(x => x.Value) == "some.future_action"); // CoerceValue: the text becomes the value
        await SubmitAsync(cut, "form");

        Assert.Contains("action=some.future_action", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void The_date_filters_show_dates_that_cannot_be_misread()
    {
        // Not 12/1/2026 (1 December or 12 January?): the viewer's long date without weekday, as in every table.
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameters(new Dictionary<string, object?> { ["from"] = "2026-12-01", ["to"] = "2026-01-12" }));
        Render<MudPopoverProvider>();
        var cut = Render<AuditPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=audit-grid]").Count > 0);
        var pickers = cut.FindComponents<MudDatePicker>();
        Assert.Equal(["Dec 1, 2026", "Jan 12, 2026"], pickers.Select(p => p.Find("input").GetAttribute("value")));
    }

    [Fact]
    public void A_total_too_large_to_count_is_shown_as_the_estimate_it_is()
    {
        // Every total counts as "too many to count" here; at scale that is above Audit:ExactCountUpTo (a million rows).
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new AuditOptions { ExactCountUpTo = 0 }));
        Render<MudPopoverProvider>();
        var cut = Render<AuditPage>();
        cut.WaitForState(() => cut.Find("[data-testid=audit-grid]").TextContent.Contains(" of about "));
        Assert.Matches(@"1-\d+ of about \d+", cut.Find(".mud-table-pagination").TextContent);
    }
}
