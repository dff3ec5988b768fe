using InfraAdmin.Data;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace InfraAdmin.Features.Alerts;

/// <summary>What one evaluation of one rule did.</summary>
public sealed record RuleOutcome(string Rule, int Raised, int Updated, int Resolved);

/// <summary>
/// Evaluates the rules: one statement per rule inserts the new episodes (<c>INSERT … ON CONFLICT DO NOTHING</c> on the
/// unique index of open episodes, the real exactly-once guarantee), updates the open ones that still fire (severity and
/// text; <c>last_seen_at</c> at most every <see cref="TouchEvery"/>, so an unchanged alert costs no write each minute) and
/// resolves the open ones that no longer fire. Each rule runs in a transaction under a PostgreSQL advisory lock on the rule,
/// so two instances take turns instead of both doing the work, and the one that waited sees the other's rows.
/// </summary>
public sealed class AlertEvaluator(
    IDbContextFactory<InfraAdminDbContext> dbFactory, IEnumerable<IAlertRule> rules, SystemSettings settings, TimeProvider time, ILogger<AlertEvaluator> logger)
{
    /// <summary>How stale <c>last_seen_at</c> may get while an alert keeps firing unchanged.</summary>
    public static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(5);

    /// <summary>The first key of the advisory locks (<c>pg_advisory_xact_lock(int, int)</c>); the second is the rule's hash.</summary>
    public const int LockClass = 0x416C7274; // "Alrt"

    public IReadOnlyList<IAlertRule> Rules { get; } = rules.ToList();

    public async Task<IReadOnlyList<RuleOutcome>> EvaluateAllAsync(CancellationToken ct = default) =>
        await EvaluateAsync(Rules, ct);

    public async Task<IReadOnlyList<RuleOutcome>> EvaluateAsync(IEnumerable<IAlertRule> which, CancellationToken ct = default)
    {
        var outcomes = new List<RuleOutcome>();
        foreach (var rule in which)
        {
            try
            {
                outcomes.Add(await EvaluateAsync(rule, ct));
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                // One rule's failure must not keep the others from running.
                logger.LogError(ex, "Alert rule {Rule} could not be evaluated", rule.Id);
            }
        }
        return outcomes;
    }

    public async Task<RuleOutcome> EvaluateAsync(IAlertRule rule, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InTransactionAsync(async () =>
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, hashtext(@rule))", connection, transaction))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter("class", NpgsqlDbType.Integer) { Value = LockClass });
                lockCommand.Parameters.Add(new NpgsqlParameter("rule", NpgsqlDbType.Text) { Value = rule.Id });
                await lockCommand.ExecuteNonQueryAsync(ct);
            }
            // The time is read after the lock: an evaluation that waited for another one never writes an older time.
            var now = time.GetUtcNow().UtcDateTime;
            var firing = await rule.FiringAsync(new AlertRuleContext(now, settings, connection, ct));
            if (firing == FiringQuery.Skip) return new RuleOutcome(rule.Id, 0, 0, 0);
            await using var command = new NpgsqlCommand(Statement(firing.Sql), connection, transaction);
            command.Parameters.AddRange(firing.Parameters.Select(p => p.Clone()).ToArray());
            command.Parameters.AddRange(StatementParameters(rule, now));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var outcome = new RuleOutcome(rule.Id, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            if (outcome.Raised + outcome.Resolved > 0)
                logger.LogInformation("Alert rule {Rule}: {Raised} raised, {Resolved} resolved", rule.Id, outcome.Raised, outcome.Resolved);
            return outcome;
        }, ct);
    }

    /// <summary>The parameters <see cref="Statement"/> adds to the rule's own.</summary>
    public static NpgsqlParameter[] StatementParameters(IAlertRule rule, DateTime now) =>
    [
        new("a_rule", NpgsqlDbType.Text) { Value = rule.Id },
        new("a_permission", NpgsqlDbType.Text) { Value = rule.Permission },
        new("a_now", NpgsqlDbType.TimestampTz) { Value = now },
        new("a_touch_before", NpgsqlDbType.TimestampTz) { Value = now - TouchEvery },
    ];

    /// <summary>
    /// One statement: data-modifying CTEs share one snapshot, so the three parts see the same firing set and the same
    /// open episodes (the insert's conflicts wait for, then respect, a concurrent transaction's rows). Public for the
    /// benchmark's EXPLAIN.
    /// </summary>
    public static string Statement(string firingSql) => $"""
        WITH firing AS MATERIALIZED (
            SELECT DISTINCT ON (subject_key) subject_key, severity, left(title, 300) AS title, left(detail, 2000) AS detail, left(link, 500) AS link, tenant_id
            FROM ({firingSql}) f
            ORDER BY subject_key),
        raised AS (
            INSERT INTO alerts (rule, subject_key, permission, severity, title, detail, link, tenant_id, raised_at, last_seen_at)
            SELECT @a_rule, f.subject_key, @a_permission, f.severity, f.title, f.detail, f.link, f.tenant_id, @a_now, @a_now
            FROM firing f
            ON CONFLICT (rule, subject_key) WHERE resolved_at IS NULL DO NOTHING
            RETURNING id),
        updated AS (
            UPDATE alerts a SET severity = f.severity, title = f.title, detail = f.detail, link = f.link, last_seen_at = @a_now
            FROM firing f
            WHERE a.rule = @a_rule AND a.resolved_at IS NULL AND a.subject_key = f.subject_key
              AND ((a.severity, a.title, a.detail, a.link) IS DISTINCT FROM (f.severity, f.title, f.detail, f.link) OR a.last_seen_at < @a_touch_before)
            RETURNING a.id),
        resolved AS (
            UPDATE alerts a SET resolved_at = @a_now
            WHERE a.rule = @a_rule AND a.resolved_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM firing f WHERE f.subject_key = a.subject_key)
            RETURNING a.id)
        SELECT (SELECT count(*) FROM raised)::int, (SELECT count(*) FROM updated)::int, (SELECT count(*) FROM resolved)::int
        """;
}

/// <summary>Every minute: every rule (time alone makes some fire, such as a check going stale), then the deliveries.</summary>
public sealed class AlertEvaluationJob(AlertEvaluator evaluator, AlertDeliveries deliveries) : IRecurringJob
{
    public const string JobId = "alerts.evaluate";
    public string Id => JobId;
    public string Description => "Evaluates the alert rules (raises, keeps and resolves alerts), then mails the digest and queues the webhook";
    public string Cron => "* * * * *";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var outcomes = await evaluator.EvaluateAllAsync(ct);
        var delivered = await deliveries.DeliverAsync(ct);
        return $"raised {outcomes.Sum(o => o.Raised)}, resolved {outcomes.Sum(o => o.Resolved)}; {delivered}";
    }
}

/// <summary>
/// Re-evaluates the rules soon after a change of the tables they read, whoever made it (the change feed; a burst is one
/// evaluation of the rules it concerns, after a window of <see cref="Window"/>). Every instance does it; the advisory
/// locks make them take turns, the unique index keeps one episode. Off when <c>Alerts:EvaluateOnChange</c> is false.
/// </summary>
public sealed class AlertChangeWatcher(ChangeFeed feed, IServiceScopeFactory scopes, IConfiguration configuration, ILogger<AlertChangeWatcher> logger)
    : IHostedService
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Alerts:EvaluateOnChange", true)) return Task.CompletedTask;
        using var scope = scopes.CreateScope();
        var tables = scope.ServiceProvider.GetRequiredService<AlertEvaluator>().Rules.SelectMany(r => r.Tables).Distinct().ToList();
        _subscription = feed.Subscribe(tables, OnChangeAsync, window: Window);
        return Task.CompletedTask;
    }

    private async Task OnChangeAsync(ChangeBatch batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        var concerned = evaluator.Rules.Where(r => batch.Touches([.. r.Tables])).ToList();
        if (concerned.Count == 0) return;
        try
        {
            await evaluator.EvaluateAsync(concerned);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Evaluating alerts after a change failed; the minute's evaluation will catch up");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
