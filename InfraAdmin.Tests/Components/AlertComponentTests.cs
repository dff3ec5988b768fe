using System.Security.Claims;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using InfraAdmin.Components.Shared;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Components;

/// <summary>The bell (live count, accessible name, toasts) and the /alerts page (grid, empty state, acknowledge dialog) over real data.</summary>
public sealed class AlertComponentTests : BunitTest, IClassFixture<IntegrationTest.AppFixture>
{
    private readonly IntegrationTest.AppFixture _fixture;

    public AlertComponentTests(IntegrationTest.AppFixture fixture)
    {
        _fixture = fixture;
        var app = fixture.App.Services;
        Services.AddSingleton(app.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>());
        Services.AddSingleton(app.GetRequiredService<PermissionStore>());
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<CurrentUser>();
        Services.AddSingleton(app.GetRequiredService<SystemSettings>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<UserClock>();
        Services.AddScoped<AlertService>();
    }

    private void SignInAsAdmin() => SignInAs(Demo.Admin, SeedIds.For("user:" + Demo.Admin));

    private void SignInAs(string name, Guid id)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(name);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, id.ToString()));
        auth.SetPolicies(Policies.AlertsView);
    }

    private int OpenCountInDatabase(string[] permissions)
    {
        using var db = _fixture.Database.CreateContext();
        return db.Alerts.Count(a => a.ResolvedAt == null && a.AcknowledgedAt == null && permissions.Contains(a.Permission));
    }

    [Fact]
    public async Task The_bell_shows_the_live_count_with_an_accessible_name_and_links_to_open_alerts()
    {
        SignInAsAdmin();
        // The app raised the demo data's alerts when it started listening; let that settle (evaluations take turns, so this waits for it).
        await using (var scope = _fixture.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AlertEvaluator>().EvaluateAllAsync(Xunit.TestContext.Current.CancellationToken);
        Render<MudPopoverProvider>();
        var cut = Render<AlertBell>();
        cut.WaitForState(() => cut.FindAll("[data-testid=alert-bell]").Count == 1);
        var bell = cut.Find("[data-testid=alert-bell]");
        Assert.EndsWith("alerts?state=open", bell.GetAttribute("href"));
        int Shown() => int.Parse(cut.Find("[data-testid=alert-bell]").GetAttribute("data-count")!, System.Globalization.CultureInfo.InvariantCulture);
        // The count is the database's (the app's own evaluations may still add alerts of the demo data: compared as they stand).
        var before = Shown();
        Assert.Equal(OpenCountInDatabase(Data.Entities.AlertPermission.All), before);
        Assert.Equal(before == 1 ? "1 open alert" : $"{before} open alerts", bell.GetAttribute("aria-label"));

        await AddAlertAsync(_fixture.Database, "config.view", "bell test");
        Feed.Publish(new DataChange(LiveTables.Alerts)); // what the trigger announces
        cut.WaitForState(() => Shown() > before);
        var after = Shown();
        Assert.Equal(OpenCountInDatabase(Data.Entities.AlertPermission.All), after);
        Assert.Equal($"{after} open alerts", cut.Find("[data-testid=alert-bell]").GetAttribute("aria-label"));
    }

    [Fact]
    public void A_user_who_may_see_no_alert_gets_no_bell()
    {
        SignInAs(Demo.AcmeAdmin, SeedIds.For("user:" + Demo.AcmeAdmin));
        var cut = Render<AlertBell>();
        Assert.Empty(cut.FindAll("[data-testid=alert-bell]"));
    }

    [Fact]
    public async Task A_user_with_push_notifications_gets_a_toast_for_a_new_alert_they_may_see_only()
    {
        // config.view: the app's own rules raise IP and cost alerts on this database meanwhile, and more than five new alerts
        // the user may see would show as "N more new alerts" instead of one toast each.
        var role = await StaffTestUsers.CreateRoleAsync(_fixture.Database, "toast", "config.view");
        var (id, email) = await StaffTestUsers.CreateUserAsync(_fixture.App, "toast", role);
        await ExecAsync(_fixture.Database, "INSERT INTO user_preferences (id, user_id, push_notifications) VALUES (gen_random_uuid(), @u, true)", ("u", id));
        SignInAs(email, id);
        Render<MudPopoverProvider>();
        var provider = Render<MudSnackbarProvider>();
        var cut = Render<AlertBell>();
        cut.WaitForState(() => cut.FindAll("[data-testid=alert-bell]").Count == 1);
        // Subscribed (after reading the user's toast preference): a change published before this would go unheard. The
        // alerts below are raised after that, so after the moment the bell counts new ones from.
        // (After the bell's last render, so bunit's render-driven waits would not see it: poll the condition.)
        Assert.True(SpinWait.SpinUntil(() => Feed.SubscriberCount == 1, TimeSpan.FromSeconds(30)), "The bell never subscribed to changes.");

        await AddAlertAsync(_fixture.Database, "vps.view", "toast hidden vps");
        await AddAlertAsync(_fixture.Database, "config.view", "toast visible config");
        Feed.Publish(new DataChange(LiveTables.Alerts));
        provider.WaitForState(() => provider.Markup.Contains("toast visible config"));
        Assert.DoesNotContain("toast hidden vps", provider.Markup);
    }

    [Fact]
    public async Task The_page_lists_alerts_shows_an_empty_state_and_acknowledges_with_a_note_checked_beside_the_field()
    {
        var marker = "pg" + Guid.NewGuid().ToString("N")[..8];
        var id = await AddAlertAsync(_fixture.Database, "ip.view", $"page alert {marker}");
        SignInAsAdmin();
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();

        nav.NavigateTo($"alerts?q=nothing-matches-{marker}");
        var empty = Render<AlertsPage>();
        empty.WaitForState(() => empty.FindAll("[data-testid=alerts-empty]").Count == 1);
        Assert.Contains("No alerts match these filters", empty.Find("[data-testid=alerts-empty]").TextContent);
        empty.Dispose();

        nav.NavigateTo($"alerts?q={marker}");
        var cut = Render<AlertsPage>();
        cut.WaitForState(() => cut.FindAll("[data-testid=ack-button]").Count == 1);
        Assert.Contains($"page alert {marker}", cut.Markup);
        _ = cut.InvokeAsync(() => cut.Find("[data-testid=ack-button]").ClickAsync(new())); // returns when the dialog closes
        dialogs.WaitForState(() => dialogs.FindAll("[data-testid=ack-confirm]").Count == 1);

        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=ack-confirm]").ClickAsync(new()));
        dialogs.WaitForState(() => NoteError(dialogs) is not null);
        Assert.Contains("note is required", NoteError(dialogs));

        await dialogs.InvokeAsync(() => dialogs.Find("textarea[data-testid=ack-note]").Input("Looking into it"));
        Assert.Null(NoteError(dialogs));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=ack-confirm]").ClickAsync(new()));
        cut.WaitForState(() => cut.FindAll("[data-testid=ack-note-text]").Count == 1);
        Assert.Equal("Looking into it", cut.Find("[data-testid=ack-note-text]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=ack-button]"));
        await using var db = _fixture.Database.CreateContext();
        Assert.Equal("Looking into it", await db.Alerts.Where(a => a.Id == id).Select(a => a.AckNote).SingleAsync(Xunit.TestContext.Current.CancellationToken));
    }

    private static string? NoteError(IRenderedComponent<MudDialogProvider> dialogs)
    {
        var helper = dialogs.Find("textarea[data-testid=ack-note]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text");
        return helper is not null && helper.ClassList.Contains("mud-input-error") ? helper.TextContent.Trim() : null;
    }

    [Fact]
    public async Task The_webhook_deliveries_are_a_tab_of_their_own_kept_in_the_query_string_and_a_bad_tab_is_named()
    {
        var marker = "dl" + Guid.NewGuid().ToString("N")[..8];
        var id = await AddAlertAsync(_fixture.Database, "ip.view", $"delivered alert {marker}");
        await using (var db = _fixture.Database.CreateContext())
        {
            db.AlertWebhookDeliveries.Add(new InfraAdmin.Data.Entities.AlertWebhookDelivery
            {
                Id = Guid.NewGuid(), AlertId = id, Attempt = 1, AttemptedAt = DateTime.UtcNow.AddMinutes(1), Host = $"{marker}.example.com",
                StatusCode = 500, Succeeded = false, Error = "HTTP 500", DurationMs = 12,
            });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }
        SignInAsAdmin();
        Render<MudPopoverProvider>();
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();

        nav.NavigateTo($"alerts?q={marker}"); // the alerts tab: no delivery grid behind it
        var alerts = Render<AlertsPage>();
        alerts.WaitForState(() => alerts.Markup.Contains($"delivered alert {marker}"));
        Assert.Empty(alerts.FindAll("[data-testid=deliveries-grid]"));
        await alerts.InvokeAsync(() => alerts.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Webhook deliveries")).Click());
        Assert.EndsWith($"alerts?q={marker}&tab=deliveries", nav.Uri);
        alerts.Dispose();

        var cut = Render<AlertsPage>();
        cut.WaitForState(() => cut.Markup.Contains($"{marker}.example.com"));
        Assert.Single(cut.FindAll("[data-testid=deliveries-grid]"));
        Assert.Empty(cut.FindAll("[data-testid=alerts-grid]"));
        Assert.Contains("HTTP 500", cut.Find("[data-testid=deliveries-grid]").TextContent);
        cut.Dispose();

        nav.NavigateTo("alerts?tab=bogus");
        var bad = Render<AlertsPage>();
        bad.WaitForState(() => bad.FindAll("[data-testid=alerts-grid]").Count == 1);
        Assert.Contains("tab", bad.Markup);
        Assert.Contains("must be one of alerts, deliveries", bad.Markup);
    }
}
