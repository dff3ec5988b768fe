using System.Diagnostics;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>Evaluates rules through the app's services and reads the alerts table back.</summary>
internal static class AlertTestData
{
    /// <summary>The app with its change watcher off, so only the test evaluates (and the minute's memory is the test's).</summary>
    public static Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithoutChangeWatcher(this InfraAdminFactory app) =>
        app.WithWebHostBuilder(b => b.UseSetting("Alerts:EvaluateOnChange", "false"));

    /// <summary>Waits for <paramref name="condition"/> (the feed listening, a change heard), failing after 30 s.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        for (var watch = Stopwatch.StartNew(); !condition(); await Task.Delay(20, Xunit.TestContext.Current.CancellationToken))
            if (watch.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"Waited 30 s for {what}.");
    }

    public static async Task<RuleOutcome> EvaluateAsync(InfraAdminFactory app, string ruleId, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        return await evaluator.EvaluateAsync(evaluator.Rules.Single(r => r.Id == ruleId), ct);
    }

    /// <summary>Every episode of (rule, subject), oldest first.</summary>
    public static async Task<List<Alert>> EpisodesAsync(TestDatabase db, string rule, string subject)
    {
        await using var context = db.CreateContext();
        return await context.Alerts.AsNoTracking().Where(a => a.Rule == rule && a.SubjectKey == subject).OrderBy(a => a.RaisedAt).ThenBy(a => a.ResolvedAt == null).ToListAsync();
    }

    public static async Task ExecAsync(TestDatabase db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(db.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Adds an open alert directly (for page, service and delivery tests), returning its id. Its rule is a test's own (no
    /// evaluator resolves it: a real rule's evaluation would, since its subject does not fire).
    /// </summary>
    public static async Task<Guid> AddAlertAsync(TestDatabase db, string permission, string title, string severity = AlertSeverity.Warning,
        string rule = "test.manual", DateTime? raisedAt = null, string? detail = null)
    {
        await using var context = db.CreateContext();
        context.AuditEnabled = false;
        var alert = new Alert
        {
            Id = Guid.CreateVersion7(), Rule = rule, SubjectKey = "test:" + Guid.NewGuid().ToString("N"), Permission = permission, Severity = severity,
            Title = title, Detail = detail, Link = "alerts", RaisedAt = raisedAt ?? DateTime.UtcNow, LastSeenAt = raisedAt ?? DateTime.UtcNow,
            // Already claimed by the delivery, unless a test says otherwise.
            EmailedAt = DateTime.UtcNow, WebhookQueuedAt = DateTime.UtcNow,
        };
        context.Alerts.Add(alert);
        await context.SaveChangesAsync();
        return alert.Id;
    }
}
