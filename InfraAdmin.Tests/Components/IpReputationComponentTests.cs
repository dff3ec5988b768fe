using System.Security.Claims;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using InfraAdmin.Components.Shared;

namespace InfraAdmin.Tests.Components;

/// <summary>The IP pages over the demo data: actions appear only for ip.manage; viewers see the data without them.</summary>
public sealed class IpReputationComponentTests : BunitTest, IClassFixture<IntegrationTest.AppFixture>
{
    private static readonly string[] ActionIds = ["quarantine", "change-status", "expire-assignment", "save-check", "save-assignment"];

    private readonly TestDatabase _db;

    public IpReputationComponentTests(IntegrationTest.AppFixture fixture)
    {
        _db = fixture.Database;
        var app = fixture.App.Services;
        Services.AddSingleton(app.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>());
        Services.AddSingleton(app.GetRequiredService<PermissionStore>());
        Services.AddSingleton(app.GetRequiredService<SystemSettings>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(app.GetRequiredService<Hangfire.IBackgroundJobClient>());
        Services.AddSingleton(app.GetRequiredService<InfraAdmin.Features.Costs.CostRollup>());
        Services.AddScoped<InfraAdmin.Features.Costs.CostRefresher>();
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<UserClock>();
        Services.AddScoped<IpReputationService>();
        Services.AddSingleton(app.GetRequiredService<Microsoft.Extensions.Options.IOptions<IpReputationOptions>>());
        Services.AddScoped<IpCheckService>();
    }

    private void SignIn(string email, params string[] permissions)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(email);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, SeedIds.For("user:" + email).ToString()));
        auth.SetPolicies(permissions.Select(Policies.For).ToArray());
        RenderInteractively();
    }

    private IRenderedComponent<IpDetailPage> RenderDetail()
    {
        Render<MudPopoverProvider>();
        var cut = Render<IpDetailPage>(p => p.Add(x => x.Id, Demo.FirstIp));
        cut.WaitForState(() => cut.FindAll("[data-testid=ip-facts]").Count > 0, TimeSpan.FromSeconds(30));
        return cut;
    }

    [Fact]
    public void An_operator_sees_every_action_on_the_ip()
    {
        SignIn(Demo.Ops, Permissions.Ip.View, Permissions.Ip.Manage);
        var cut = RenderDetail();
        foreach (var id in ActionIds) Assert.True(cut.FindAll($"[data-testid={id}]").Count > 0, $"missing {id}");
        Assert.Contains("hw-use-1001", cut.Markup);
    }

    [Fact]
    public void A_viewer_sees_the_ip_its_blacklists_assignments_and_history_but_no_action()
    {
        SignIn(Demo.Support, Permissions.Ip.View);
        var cut = RenderDetail();
        foreach (var id in ActionIds) Assert.Empty(cut.FindAll($"[data-testid={id}]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=assignment-row]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=history-row]"));
        Assert.Contains("spamhaus", cut.Markup);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_grid_offers_selection_bulk_change_and_import_only_with_ip_manage(bool manage)
    {
        SignIn(manage ? Demo.Ops : Demo.Support, manage ? [Permissions.Ip.View, Permissions.Ip.Manage] : [Permissions.Ip.View]);
        Render<MudPopoverProvider>();
        var cut = Render<IpReputationPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=ip-link]").Count > 0, TimeSpan.FromSeconds(30));
        Assert.Equal(25, cut.FindAll("[data-testid=ip-link]").Count);
        Assert.Equal(manage, cut.FindAll("[data-testid=bulk-bar]").Count > 0);
        Assert.Equal(manage, cut.FindAll("[data-testid=import-checks]").Count > 0);
        Assert.Equal(manage, cut.FindAll("input[type=checkbox]").Count > 2);
        Assert.NotEmpty(cut.FindAll("[data-testid=kpi-trouble]"));
    }

    [Fact]
    public async Task The_bulk_preview_lists_the_refused_ips_with_why_and_counts_only_the_ones_that_move()
    {
        var burned = await InfraAdmin.Tests.Integration.IpReputation.IpTestData.NewIpAsync(_db, Data.Entities.IpStatus.Burned);
        var available = await InfraAdmin.Tests.Integration.IpReputation.IpTestData.NewIpAsync(_db, Data.Entities.IpStatus.Available);
        SignIn(Demo.Ops, Permissions.Ip.View, Permissions.Ip.Manage);
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        _ = provider.InvokeAsync(() => ChangeStatusDialog.ShowAsync(dialogs,
            [new BulkItem(burned.Id, burned.Version), new BulkItem(available.Id, available.Version)], "2 selected IPs",
            [Data.Entities.IpStatus.Warming], Data.Entities.IpStatus.Warming));

        provider.WaitForState(() => provider.FindAll("[data-testid=refused-ip]").Count > 0, TimeSpan.FromSeconds(30));
        var refused = Assert.Single(provider.FindAll("[data-testid=refused-ip]"));
        Assert.StartsWith(burned.IpAddress + ": A burned IP is retired", refused.TextContent.Trim());
        Assert.Contains("1 IP moves to warming", provider.Find("[data-testid=blast-radius]").TextContent);
        Assert.Contains("Move 1 of 2 IPs to warming", provider.Find("[data-testid=confirm-change]").TextContent);
    }

    [Fact]
    public async Task The_check_form_offers_the_configured_providers_highest_weight_first()
    {
        SignIn(Demo.Ops, Permissions.Ip.View, Permissions.Ip.Manage);
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<CheckForm>(p => p.Add(x => x.IpId, Demo.FirstIp));
        var select = cut.FindComponent<MudSelect<string>>();
        await cut.InvokeAsync(() => select.Instance.OpenMenu());
        popovers.WaitForState(() => popovers.FindAll(".mud-list-item").Count >= 4, TimeSpan.FromSeconds(10));
        var labels = popovers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()).ToList();
        Assert.Equal(["Spamhaus", "Barracuda", "SpamCop", "SORBS"], labels);
        Assert.Empty(cut.FindAll("[data-testid=check-provider] input[type=text]:not([readonly])"));
    }

    [Fact]
    public void The_stale_and_trouble_figures_say_they_count_live_ips_only()
    {
        SignIn(Demo.Support, Permissions.Ip.View);
        Render<MudPopoverProvider>();
        var cut = Render<IpReputationPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=kpi-stale]").Count > 0, TimeSpan.FromSeconds(30));
        Assert.Contains("Stale checks (live IPs", cut.Find("[data-testid=kpi-stale]").TextContent);
        Assert.Contains("In trouble (live IPs)", cut.Find("[data-testid=kpi-trouble]").TextContent);
        Assert.Contains("burned", cut.Find("[data-testid=live-note]").TextContent);
    }

    [Fact]
    public void Reputation_bars_take_their_bands_colour_and_their_share_of_the_largest_count()
    {
        var cut = Render<FigureList>(p => p
            .Add(x => x.Items, [new CountBy("good", 10), new CountBy("critical", 5)])
            .Add(x => x.Parameter, "reputation")
            .Add(x => x.BarColour, band => band == "good" ? "var(--mud-palette-success)" : "var(--mud-palette-error)"));
        var bars = cut.FindAll(".figure-bar > span");
        Assert.Equal(2, bars.Count);
        Assert.Equal("width:100%;background:var(--mud-palette-success)", bars[0].GetAttribute("style"));
        Assert.Equal("width:50%;background:var(--mud-palette-error)", bars[1].GetAttribute("style"));
        Assert.Equal("true", cut.Find(".figure-bar").GetAttribute("aria-hidden"));
    }
}
