using System.Net;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>Who sees which alerts (ops, exec, tenant admin), acknowledging (permission, note, audit, once), the bell's count and the CSV export.</summary>
public sealed class AlertServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Marked(string Marker, Guid Ip, Guid Costs, Guid Config, Guid Vps);

    /// <summary>One open alert per area, their titles carrying a marker no other test uses (the q filter finds only them).</summary>
    private async Task<Marked> AddOnePerAreaAsync()
    {
        var marker = "mark" + Guid.NewGuid().ToString("N")[..10];
        return new Marked(marker,
            await AddAlertAsync(Db, "ip.view", $"ip {marker}"),
            await AddAlertAsync(Db, "costs.view", $"costs {marker}", rule: "test.costs"),
            await AddAlertAsync(Db, "config.view", $"config {marker}", rule: "test.config"),
            await AddAlertAsync(Db, "vps.view", $"vps {marker}", rule: "test.vps"));
    }

    private Task<AlertResults> SearchAsUser(string email, AlertFilter filter) =>
        App.AsAsync<AlertService, AlertResults>(email, s => s.SearchAsync(filter, 0, 50));

    [Fact]
    public async Task Each_user_sees_the_alerts_of_the_areas_they_may_view_and_tenant_users_none()
    {
        var m = await AddOnePerAreaAsync();
        var filter = new AlertFilter(Q: m.Marker);
        Assert.Equal(new[] { m.Ip, m.Vps }.Order(), (await SearchAsUser(Demo.Ops, filter)).Rows.Select(r => r.Id).Order());
        Assert.Equal(new[] { m.Ip, m.Costs, m.Vps }.Order(), (await SearchAsUser(Demo.Exec, filter)).Rows.Select(r => r.Id).Order());
        Assert.Equal(new[] { m.Ip, m.Costs, m.Config, m.Vps }.Order(), (await SearchAsUser(Demo.Admin, filter)).Rows.Select(r => r.Id).Order());
        await Assert.ThrowsAsync<PermissionDeniedException>(() => SearchAsUser(Demo.AcmeAdmin, filter));
        Assert.Equal(0, await App.AsAsync<AlertService, int>(Demo.AcmeAdmin, s => s.OpenCountAsync()));
    }

    [Fact]
    public async Task The_bell_counts_open_alerts_the_user_may_see_and_not_acknowledged_or_resolved_ones()
    {
        // The app's own rules raise alerts on this database once its listener starts: bring them up to date first
        // (the rules take turns under their locks, so the app's evaluation then finds nothing new), so that only the
        // test's alerts change the count below.
        await using (var scope = App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AlertEvaluator>().EvaluateAllAsync(TestContext.Current.CancellationToken);
        var before = await App.AsAsync<AlertService, int>(Demo.Exec, s => s.OpenCountAsync());
        var m = await AddOnePerAreaAsync(); // exec sees ip, costs and vps: three more
        Assert.Equal(before + 3, await App.AsAsync<AlertService, int>(Demo.Exec, s => s.OpenCountAsync()));
        await ExecAsync(Db, "UPDATE alerts SET acknowledged_at = now() WHERE id = @id", ("id", m.Ip));
        await ExecAsync(Db, "UPDATE alerts SET resolved_at = now() WHERE id = @id", ("id", m.Costs));
        Assert.Equal(before + 1, await App.AsAsync<AlertService, int>(Demo.Exec, s => s.OpenCountAsync()));
    }

    [Fact]
    public async Task Filters_narrow_by_state_severity_and_rule()
    {
        var m = await AddOnePerAreaAsync();
        await ExecAsync(Db, "UPDATE alerts SET acknowledged_at = now(), ack_note = 'on it' WHERE id = @id", ("id", m.Ip));
        await ExecAsync(Db, "UPDATE alerts SET resolved_at = now(), severity = 'critical' WHERE id = @id", ("id", m.Vps));
        Assert.Equal([m.Ip], (await SearchAsUser(Demo.Admin, new AlertFilter(AlertState.Acknowledged, Q: m.Marker))).Rows.Select(r => r.Id));
        Assert.Equal([m.Vps], (await SearchAsUser(Demo.Admin, new AlertFilter(AlertState.Resolved, Q: m.Marker))).Rows.Select(r => r.Id));
        Assert.Equal([m.Vps], (await SearchAsUser(Demo.Admin, new AlertFilter(Severity: AlertSeverity.Critical, Q: m.Marker))).Rows.Select(r => r.Id));
        Assert.Equal([m.Config], (await SearchAsUser(Demo.Admin, new AlertFilter(Rule: "test.config", Q: m.Marker))).Rows.Select(r => r.Id));
        Assert.Equal(2, (await SearchAsUser(Demo.Admin, new AlertFilter(AlertState.Open, Q: m.Marker))).Total);
        // The note is searched too.
        Assert.Contains(m.Ip, (await SearchAsUser(Demo.Admin, new AlertFilter(Q: "on it"))).Rows.Select(r => r.Id));
    }

    private async Task<uint> VersionAsync(Guid id)
    {
        await using var db = Db.CreateContext();
        return await db.Alerts.Where(a => a.Id == id).Select(a => a.Version).SingleAsync(Ct);
    }

    /// <summary>Acknowledges as <paramref name="email"/>, as in a circuit (the audit interceptor finds the caller through the circuit's services).</summary>
    private async Task AckAsync(string email, Guid id, string note, uint version)
    {
        await using var scope = await App.ScopeAsAsync(email);
        App.Services.GetRequiredService<InfraAdmin.Infrastructure.CircuitServicesAccessor>().Services = scope.ServiceProvider;
        try
        {
            await scope.ServiceProvider.GetRequiredService<AlertService>().AcknowledgeAsync(id, note, version, Ct);
        }
        finally
        {
            App.Services.GetRequiredService<InfraAdmin.Infrastructure.CircuitServicesAccessor>().Services = null;
        }
    }

    [Fact]
    public async Task Acknowledging_needs_the_areas_manage_permission_and_a_note_and_is_audited_once()
    {
        var m = await AddOnePerAreaAsync();
        var version = await VersionAsync(m.Ip);
        // Exec sees IP alerts but has no ip.manage; a blank note is refused beside the field.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => App.AsAsync<AlertService, bool>(Demo.Exec, async s => { await s.AcknowledgeAsync(m.Ip, "mine", version); return true; }));
        var blank = await Assert.ThrowsAsync<ValidationFailedException>(() => App.AsAsync<AlertService, bool>(Demo.Ops, async s => { await s.AcknowledgeAsync(m.Ip, "  ", version); return true; }));
        Assert.True(blank.Errors.ContainsKey("note"));
        // Ops may not even see config alerts: for them it does not exist.
        await Assert.ThrowsAsync<NotFoundException>(() => App.AsAsync<AlertService, bool>(Demo.Ops, async s => { await s.AcknowledgeAsync(m.Config, "x", 0); return true; }));

        await AckAsync(Demo.Ops, m.Ip, "Delisting requested with Spamhaus", version);
        await using var db = Db.CreateContext();
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == m.Ip, Ct);
        var ops = await db.Users.Where(u => u.Email == Demo.Ops).Select(u => u.Id).SingleAsync(Ct);
        Assert.NotNull(alert.AcknowledgedAt);
        Assert.Equal(ops, alert.AcknowledgedBy);
        Assert.Equal("Delisting requested with Spamhaus", alert.AckNote);
        var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.EntityType == "alerts" && a.EntityId == m.Ip.ToString(), Ct);
        Assert.Equal("alert.acknowledge", audit.Action);
        Assert.Equal(ops, audit.ActorId);
        Assert.Contains("Delisting requested", audit.After!.RootElement.GetRawText());

        // Again (with the old version, or the new one): refused, nothing more audited.
        await Assert.ThrowsAsync<StaleEditException>(() => App.AsAsync<AlertService, bool>(Demo.Admin, async s => { await s.AcknowledgeAsync(m.Ip, "me too", version); return true; }));
        var current = await VersionAsync(m.Ip);
        await Assert.ThrowsAsync<RefusedException>(() => App.AsAsync<AlertService, bool>(Demo.Admin, async s => { await s.AcknowledgeAsync(m.Ip, "me too", current); return true; }));
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.EntityType == "alerts" && a.EntityId == m.Ip.ToString(), Ct));

        // Costs has no manage permission: its view permission acknowledges.
        await App.AsAsync<AlertService, bool>(Demo.Exec, async s => { await s.AcknowledgeAsync(m.Costs, "Finance is on it", await VersionAsync(m.Costs)); return true; });
    }

    [Fact]
    public async Task The_csv_holds_the_alerts_the_user_may_see_with_formulas_escaped()
    {
        var marker = "csv" + Guid.NewGuid().ToString("N")[..10];
        await AddAlertAsync(Db, "ip.view", $"=HYPERLINK(\"http://evil\") {marker}");
        await AddAlertAsync(Db, "config.view", $"config {marker}");

        var ops = await App.SignedInClientAsync(Demo.Ops);
        var response = await ops.GetAsync($"/alerts/export.csv?q={marker}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/csv", response.Content.Headers.ContentType!.ToString());
        var csv = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("id,rule,severity,state,title", csv.TrimStart('\uFEFF'));
        Assert.Contains("'=HYPERLINK", csv);
        Assert.DoesNotContain(",=HYPERLINK", csv);
        Assert.DoesNotContain($"config {marker}", csv); // ops has no config.view

        var admin = await App.SignedInClientAsync(Demo.Admin);
        Assert.Contains($"config {marker}", await admin.GetStringAsync($"/alerts/export.csv?q={marker}", Ct));
        var bad = await admin.GetAsync("/alerts/export.csv?state=bogus", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("state", await bad.Content.ReadAsStringAsync(Ct));

        var tenantAdmin = await App.SignedInClientAsync(Demo.AcmeAdmin);
        var denied = await tenantAdmin.GetAsync($"/alerts/export.csv?q={marker}", Ct);
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
    }

    [Fact]
    public async Task The_page_answers_a_bad_filter_with_a_message_and_shows_the_alerts()
    {
        var marker = "page" + Guid.NewGuid().ToString("N")[..10];
        await AddAlertAsync(Db, "ip.view", $"page {marker}");
        var ops = await App.SignedInClientAsync(Demo.Ops);
        var response = await ops.GetAsync("/alerts?state=bogus&severity=loud", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("filter-message", html);
        Assert.Contains("state", html);
        // The nav shows Alerts to ops, not to a tenant admin.
        Assert.Contains("href=\"alerts\"", html);
        var tenant = await (await App.SignedInClientAsync(Demo.AcmeAdmin)).GetStringAsync("/", Ct);
        Assert.DoesNotContain("href=\"alerts\"", tenant);
    }
}
