using InfraAdmin.Data;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace InfraAdmin.Features.Alerts;

/// <summary>What one evaluation of one rule did; <see cref="Evaluated"/> is false when it was left out because nothing it reads changed.</summary>
public sealed record RuleOutcome(string Rule, int Raised, int Updated, int Resolved, bool Evaluated = true);

/// <summary>
/// Evaluates the rules: one statement per rule compares the firing set with the rule's open episodes (one hashed full
/// join) and, from the difference only, inserts the new episodes (<c>INSERT … ON CONFLICT DO NOTHING</c> on the unique
/// index of open episodes, the real exactly-once guarantee), updates the open ones that still fire (severity and text;
/// <c>last_seen_at</c> at most every <see cref="TouchEvery"/>, so an unchanged alert costs no write each minute) and resolves
/// the open ones that no longer fire. Each rule runs in a transaction under a PostgreSQL advisory lock on the rule, so two
/// instances take turns instead of both doing the work, and the one that waited sees the other's rows.
/// <para>
/// The minute's job (<see cref="EvaluateChangedAsync"/>) leaves a rule out while nothing it reads can have changed since
/// this instance last evaluated it: the change feed was listening all along and heard no change of the rule's tables, time
/// alone has not reached the rule's <see cref="FiringQuery.StableUntil"/>, and the last evaluation is younger than
/// <see cref="FullEvery"/> (the safety net for what the feed does not hear: a table without triggers written by hand).
/// </para>
/// </summary>
public sealed class AlertEvaluator(
    IDbContextFactory<InfraAdminDbContext> dbFactory, IEnumerable<IAlertRule> rules, SystemSettings settings, ChangeFeed feed,
    AlertEvaluationMemory memory, TimeProvider time, ILogger<AlertEvaluator> logger)
{
    /// <summary>How stale <c>last_seen_at</c> may get while an alert keeps firing unchanged.</summary>
    public static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(15);

    /// <summary>The longest the minute's job leaves a rule out on the change feed's word.</summary>
    public static readonly TimeSpan FullEvery = TouchEvery;

    /// <summary>The first key of the advisory locks (<c>pg_advisory_xact_lock(int, int)</c>); the second is the rule's hash.</summary>
    public const int LockClass = 0x416C7274; // "Alrt"

    public IReadOnlyList<IAlertRule> Rules { get; } = rules.ToList();

    /// <summary>Every rule, now.</summary>
    public async Task<IReadOnlyList<RuleOutcome>> EvaluateAllAsync(CancellationToken ct = default) =>
        await EvaluateAsync(Rules, ct);

    /// <summary>The minute's evaluation: every rule, except those that cannot fire differently since this instance last evaluated them.</summary>
    public async Task<IReadOnlyList<RuleOutcome>> EvaluateChangedAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = Rules.Where(r => !memory.Unchanged(r, feed, now)).ToList();
        var outcomes = (await EvaluateAsync(due, ct)).ToDictionary(o => o.Rule, StringComparer.Ordinal);
        return Rules.Select(r => outcomes.GetValueOrDefault(r.Id) ?? new RuleOutcome(r.Id, 0, 0, 0, Evaluated: due.Contains(r))).ToList();
    }

    public Task<IReadOnlyList<RuleOutcome>> EvaluateAsync(IEnumerable<IAlertRule> which, CancellationToken ct = default) =>
        EvaluateAsync(which, _ => null, ct);

    /// <summary>The rules <paramref name="which"/>, each for the subjects <paramref name="scopeOf"/> gives it (null: every subject).</summary>
    public async Task<IReadOnlyList<RuleOutcome>> EvaluateAsync(IEnumerable<IAlertRule> which, Func<IAlertRule, IReadOnlyList<Guid>?> scopeOf,
        CancellationToken ct = default)
    {
        var outcomes = new List<RuleOutcome>();
        foreach (var rule in which)
        {
            try
            {
                outcomes.Add(await EvaluateAsync(rule, scopeOf(rule), ct));
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                // One rule's failure must not keep the others from running.
                logger.LogError(ex, "Alert rule {Rule} could not be evaluated", rule.Id);
            }
        }
        return outcomes;
    }

    public Task<RuleOutcome> EvaluateAsync(IAlertRule rule, CancellationToken ct = default) => EvaluateAsync(rule, scope: null, ct);

    /// <summary>
    /// One rule, for every subject (<paramref name="scope"/> null) or only the subjects of these rows of its
    /// <see cref="IAlertRule.ScopeTable"/>: their episodes are raised, updated and resolved, every other episode is left as
    /// it is. A scoped evaluation is not remembered as a full one: the minute's job evaluates the rule in full after it.
    /// </summary>
    public async Task<RuleOutcome> EvaluateAsync(IAlertRule rule, IReadOnlyList<Guid>? scope, CancellationToken ct = default)
    {
        if (scope is not null && rule.ScopeTable is null)
            throw new ArgumentException($"Alert rule {rule.Id} has no scope table; it is evaluated for every subject.", nameof(scope));
        // The feed's position before anything is read: a change committed after this evaluation's snapshot is heard after it.
        var version = feed.Version;
        var listening = feed.Listening;
        // A setting changed since: read it afresh, not from SystemSettings' few seconds of cache.
        if (rule.Tables.Contains(LiveTables.SystemConfig) && memory.SettingsChanged(rule, feed)) settings.Invalidate();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (outcome, stableUntil) = await db.InTransactionAsync(async () =>
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
            var firing = await rule.FiringAsync(new AlertRuleContext(now, settings, connection, ct, scope));
            if (firing == FiringQuery.Skip) return (new RuleOutcome(rule.Id, 0, 0, 0), (DateTime?)DateTime.MinValue);
            RuleOutcome result;
            await using (var command = new NpgsqlCommand(Statement(firing.Sql, scoped: scope is not null), connection, transaction))
            {
                command.Parameters.AddRange(firing.Parameters.Select(p => p.Clone()).ToArray());
                command.Parameters.AddRange(StatementParameters(rule, now));
                if (scope is not null)
                    command.Parameters.Add(new NpgsqlParameter("a_scope", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope.Select(id => id.ToString()).ToArray() });
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                result = new RuleOutcome(rule.Id, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            }
            var until = firing.StableUntil;
            if (firing.StableUntilSql is not null && scope is null)
            {
                await using var command = new NpgsqlCommand(firing.StableUntilSql, connection, transaction);
                command.Parameters.AddRange(firing.Parameters.Select(p => p.Clone()).ToArray());
                if (await command.ExecuteScalarAsync(ct) is DateTime next && (until is null || next < until)) until = next;
            }
            return (result, until);
        }, ct);
        if (scope is null) memory.Evaluated(rule, version, listening, time.GetUtcNow().UtcDateTime, stableUntil);
        if (outcome.Raised + outcome.Resolved > 0)
            logger.LogInformation("Alert rule {Rule}: {Raised} raised, {Resolved} resolved", rule.Id, outcome.Raised, outcome.Resolved);
        return outcome;
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
    /// open episodes (the insert's conflicts wait for, then respect, a concurrent transaction's rows). The firing set and
    /// the open episodes meet once, in a hashed full join; only their difference (new, changed, due a touch, gone) goes on
    /// to the writes, so an evaluation that finds nothing new costs the two reads and the join. <paramref name="scoped"/>: the
    /// open episodes compared are only those of the subjects in <c>@a_scope</c> (row ids, text), as the firing set is.
    /// Public for the benchmark's EXPLAIN.
    /// </summary>
    public static string Statement(string firingSql, bool scoped = false) => $"""
        WITH firing AS MATERIALIZED (
            SELECT DISTINCT ON (subject_key) subject_key, severity, left(title, 300) AS title, left(detail, 2000) AS detail, left(link, 500) AS link, tenant_id
            FROM ({firingSql}) f
            ORDER BY subject_key),
        diff AS MATERIALIZED (
            SELECT o.id, f.subject_key, f.severity, f.title, f.detail, f.link, f.tenant_id
            FROM firing f
            FULL JOIN (SELECT a.id, a.subject_key::text AS subject_key, a.severity, a.title, a.detail, a.link, a.last_seen_at
                       FROM alerts a WHERE a.rule = @a_rule AND a.resolved_at IS NULL
                       {(scoped ? "AND split_part(a.subject_key::text, ':', 1) = ANY(@a_scope)" : "")}) o ON o.subject_key = f.subject_key
            WHERE o.id IS NULL OR f.subject_key IS NULL
               OR (o.severity, o.title, o.detail, o.link) IS DISTINCT FROM (f.severity, f.title, f.detail, f.link)
               OR o.last_seen_at < @a_touch_before),
        raised AS (
            INSERT INTO alerts (rule, subject_key, permission, severity, title, detail, link, tenant_id, raised_at, last_seen_at)
            SELECT @a_rule, d.subject_key, @a_permission, d.severity, d.title, d.detail, d.link, d.tenant_id, @a_now, @a_now
            FROM diff d WHERE d.id IS NULL
            ON CONFLICT (rule, subject_key) WHERE resolved_at IS NULL DO NOTHING
            RETURNING id),
        updated AS (
            UPDATE alerts a SET severity = d.severity, title = d.title, detail = d.detail, link = d.link, last_seen_at = @a_now
            FROM diff d
            WHERE a.id = d.id AND d.subject_key IS NOT NULL AND a.resolved_at IS NULL
            RETURNING a.id),
        resolved AS (
            UPDATE alerts a SET resolved_at = @a_now
            FROM diff d
            WHERE a.id = d.id AND d.subject_key IS NULL AND a.resolved_at IS NULL
            RETURNING a.id)
        SELECT (SELECT count(*) FROM raised)::int, (SELECT count(*) FROM updated)::int, (SELECT count(*) FROM resolved)::int
        """;
}

/// <summary>
/// What this instance knows of its last evaluation of each rule (a singleton): the change feed's position before it, whether
/// the feed was listening, when it ran and until when time alone leaves its result standing.
/// </summary>
public sealed class AlertEvaluationMemory
{
    private sealed record Entry(long Version, DateTime At, DateTime? StableUntil);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Evaluated(IAlertRule rule, long version, bool listening, DateTime at, DateTime? stableUntil)
    {
        // Not listening: the feed's word is worth nothing for what happened before it listens again.
        if (listening) _entries[rule.Id] = new Entry(version, at, stableUntil);
        else _entries.TryRemove(rule.Id, out _);
    }

    /// <summary>True when the rule's last evaluation here still holds: the feed listened and heard no change of its tables, time has not run out.</summary>
    public bool Unchanged(IAlertRule rule, ChangeFeed feed, DateTime now) =>
        _entries.TryGetValue(rule.Id, out var e) && feed.Listening && !feed.ChangedSince(e.Version, rule.Tables)
        && now - e.At < AlertEvaluator.FullEvery && now >= e.At && (e.StableUntil is null || now < e.StableUntil);

    /// <summary>True when a setting may have changed since the rule's last evaluation here (or there was none).</summary>
    public bool SettingsChanged(IAlertRule rule, ChangeFeed feed) =>
        !_entries.TryGetValue(rule.Id, out var e) || feed.ChangedSince(e.Version, [LiveTables.SystemConfig]);
}

/// <summary>Every minute: every rule that may fire differently (time alone makes some fire, such as a check going stale), then the deliveries.</summary>
public sealed class AlertEvaluationJob(AlertEvaluator evaluator, AlertDeliveries deliveries) : IRecurringJob
{
    public const string JobId = "alerts.evaluate";
    public string Id => JobId;
    public string Description => "Evaluates the alert rules (raises, keeps and resolves alerts), then mails the digest and queues the webhook";
    public string Cron => "* * * * *";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var outcomes = await evaluator.EvaluateChangedAsync(ct);
        var delivered = await deliveries.DeliverAsync(ct);
        return $"raised {outcomes.Sum(o => o.Raised)}, resolved {outcomes.Sum(o => o.Resolved)} " +
               $"({outcomes.Count(o => !o.Evaluated)} of {outcomes.Count} rules unchanged); {delivered}";
    }
}

/// <summary>
/// Re-evaluates the rules soon after a change of the tables they read, whoever made it (the change feed; a burst is one
/// evaluation of the rules it concerns, after a window of <see cref="Window"/>). A change of a few IPs re-evaluates only
/// those IPs' subjects (<see cref="ScopeOf"/>; the minute's job then evaluates the rule in full). Every instance does it;
/// the advisory locks make them take turns, the unique index keeps one episode. Off when <c>Alerts:EvaluateOnChange</c>
/// is false.
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

    /// <summary>Above this many changed rows a rule is evaluated for every subject (one statement either way).</summary>
    public const int MaxScope = 200;

    private async Task OnChangeAsync(ChangeBatch batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        var concerned = evaluator.Rules.Where(r => batch.Touches([.. r.Tables])).ToList();
        if (concerned.Count == 0) return;
        try
        {
            await evaluator.EvaluateAsync(concerned, rule => ScopeOf(rule, batch));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Evaluating alerts after a change failed; the minute's evaluation will catch up");
        }
    }

    /// <summary>
    /// The rows whose subjects <paramref name="batch"/> may have changed for <paramref name="rule"/>, or null when the rule
    /// must be evaluated for every subject: it has no scope table, the batch is a full refresh (or overflowed), one of its
    /// other tables changed (a setting), or a change touched many rows or more than <see cref="MaxScope"/> in all.
    /// </summary>
    public static IReadOnlyList<Guid>? ScopeOf(IAlertRule rule, ChangeBatch batch)
    {
        if (rule.ScopeTable is not { } table || batch.FullRefresh) return null;
        var ids = new HashSet<Guid>();
        foreach (var change in batch.Changes.Where(c => rule.Tables.Contains(c.Table!)))
        {
            if (change.Table != table || change.Keys is null) return null;
            foreach (var key in change.Keys)
            {
                if (!Guid.TryParse(key, out var id)) return null;
                ids.Add(id);
            }
        }
        return ids.Count is > 0 and <= MaxScope ? ids.ToList() : null;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
