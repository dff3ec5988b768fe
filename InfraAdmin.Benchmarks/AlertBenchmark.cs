using System.Diagnostics;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Features.Platform;
using Npgsql;

namespace InfraAdmin.Benchmarks;

/// <summary>
/// <c>alerts</c>: the cost of evaluating the alert rules (issue 16) against the data set in ConnectionStrings__InfraAdmin,
/// through the app's own <see cref="AlertEvaluator"/> (transaction, advisory lock, the rule's one statement, commit), as
/// the minute's job and the change watcher run it. First one evaluation of every rule brings the alerts table up to the
/// data (raises and resolves what changed since the data set was made); then, with nothing changed, each rule alone and
/// the whole evaluation in full N times (median, p95), and the minute's job's evaluation (which leaves out the rules
/// whose tables the change feed has not heard change); then one evaluation <see cref="AlertEvaluator.TouchEvery"/> on,
/// when every open alert's <c>last_seen_at</c> is due (the periodic touch), and after a change of one IP (the IP rules in full, then scoped to it). <c>--explain</c> prints each rule's
/// statement's EXPLAIN (ANALYZE, BUFFERS), rolled back.
/// </summary>
public static class AlertBenchmark
{
    public static async Task RunAsync(WebApplication app, string connectionString, string[] args)
    {
        var iterations = args.SkipWhile(a => a != "--iterations").Skip(1).Select(int.Parse).FirstOrDefault(30);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var services = app.Services;
        // The change feed's listener, as in the running app: the minute's evaluation leaves out rules on its word.
        var listener = services.GetServices<IHostedService>().OfType<Infrastructure.Live.DatabaseListener>().Single();
        await listener.StartAsync(CancellationToken.None);
        var feed = services.GetRequiredService<Infrastructure.Live.ChangeFeed>();
        for (var waited = Stopwatch.StartNew(); !feed.Listening; await Task.Delay(20))
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("The change feed's listener did not start listening.");

        await using (var scope = services.CreateAsyncScope())
        {
            var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
            var watch = Stopwatch.StartNew();
            var first = await evaluator.EvaluateAllAsync();
            Console.WriteLine($"InfraAdmin alert evaluation: {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}; {await OpenAlertsAsync(connectionString)} open alerts, " +
                              $"{await ScalarAsync(connectionString, "SELECT count(*) FROM smtp_ip_addresses")} IPs, {await ScalarAsync(connectionString, "SELECT count(*) FROM tenants")} tenants");
            Console.WriteLine($"First evaluation (catching up with the data): {watch.Elapsed.TotalMilliseconds:F0} ms; " +
                              string.Join(", ", first.Select(o => $"{o.Rule} +{o.Raised} ~{o.Updated} -{o.Resolved}")));
            if (args.Contains("--explain"))
            {
                foreach (var rule in evaluator.Rules.Where(r => only is null || r.Id.Contains(only, StringComparison.Ordinal)))
                    await ExplainAsync(scope.ServiceProvider, rule, connectionString);
                return;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Nothing changed, {iterations} runs each after 3 to warm up:");
        Console.WriteLine("| case | median ms | p95 ms | max ms | raised / updated / resolved in the runs |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        await using (var scope = services.CreateAsyncScope())
        {
            var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
            foreach (var rule in evaluator.Rules.Where(r => only is null || r.Id.Contains(only, StringComparison.Ordinal)))
                Console.WriteLine(await TimeAsync($"`{rule.Id}`", iterations, async () => [await evaluator.EvaluateAsync(rule)]));
            if (only is null)
            {
                Console.WriteLine(await TimeAsync("whole evaluation, every rule in full", iterations, () => evaluator.EvaluateAllAsync()));
                Console.WriteLine(await TimeAsync("the minute's evaluation, nothing heard (rules that cannot have changed left out)", iterations,
                    () => evaluator.EvaluateChangedAsync()));
                // In the app the minute's job is itself a Hangfire job: its run changes hangfire.job, so job.failed is evaluated.
                Console.WriteLine(await TimeAsync("**the minute's evaluation as in the app** (Hangfire's job table heard changing)", iterations, () =>
                {
                    feed.Publish(new Infrastructure.Live.DataChange(Infrastructure.Live.LiveTables.Jobs));
                    return evaluator.EvaluateChangedAsync();
                }));
            }
        }
        if (only is not null) return;

        Console.WriteLine();
        // TouchEvery on: every open alert's last_seen_at is due, so this evaluation writes them all (once per TouchEvery).
        var later = new ShiftedTime(AlertEvaluator.TouchEvery + TimeSpan.FromSeconds(1));
        // A run of this mode minutes ago wrote its later time: back to now, so this touch writes every open alert again.
        const string BackToNow = "UPDATE alerts SET last_seen_at = now() WHERE resolved_at IS NULL AND last_seen_at > now()";
        await ExecAsync(connectionString, BackToNow);
        await using (var scope = services.CreateAsyncScope())
        {
            var evaluator = ActivatorUtilities.CreateInstance<AlertEvaluator>(scope.ServiceProvider, (TimeProvider)later);
            var watch = Stopwatch.StartNew();
            var touched = await evaluator.EvaluateAllAsync();
            Console.WriteLine($"{AlertEvaluator.TouchEvery.TotalMinutes:F0} minutes on (last_seen_at due on every open alert, once per {AlertEvaluator.TouchEvery.TotalMinutes:F0} min): " +
                              $"{watch.Elapsed.TotalMilliseconds:F0} ms, {touched.Sum(o => o.Updated)} updated, {touched.Sum(o => o.Raised)} raised, {touched.Sum(o => o.Resolved)} resolved");
            // Back to now: the stale rule's extra episodes of that later time are resolved again.
            await scope.ServiceProvider.GetRequiredService<AlertEvaluator>().EvaluateAllAsync();
            await ExecAsync(connectionString, BackToNow);
        }

        // One IP's reputation changes and changes back: the change watcher's evaluation of the rules that read the IP table.
        var ip = await ScalarAsync(connectionString,
            "SELECT id::text FROM smtp_ip_addresses WHERE status = 'assigned' AND reputation_state = 'good' ORDER BY ip_address LIMIT 1");
        await using (var scope = services.CreateAsyncScope())
        {
            var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
            var ipRules = evaluator.Rules.Where(r => r.Tables.Contains(Infrastructure.Live.LiveTables.IpAddresses)).ToList();
            // In full (as every change did before session 14), then scoped to the IP (as the change watcher does for a keyed change).
            foreach (var (state, scoped) in new[] { ("critical", false), ("good", false), ("critical", true), ("good", true) })
            {
                await ExecAsync(connectionString, $"UPDATE smtp_ip_addresses SET reputation_state = '{state}' WHERE id = '{ip}'");
                var watch = Stopwatch.StartNew();
                var outcomes = await evaluator.EvaluateAsync(ipRules, _ => scoped ? [Guid.Parse(ip)] : null);
                Console.WriteLine($"One IP's reputation set to {state}, the {ipRules.Count} IP rules {(scoped ? "scoped to that IP" : "in full")}: " +
                                  $"{watch.Elapsed.TotalMilliseconds:F0} ms, {outcomes.Sum(o => o.Raised)} raised, {outcomes.Sum(o => o.Resolved)} resolved");
            }
        }
    }

    private static async Task<string> TimeAsync(string name, int iterations, Func<Task<IReadOnlyList<RuleOutcome>>> run)
    {
        for (var i = 0; i < 3; i++) await run();
        var times = new double[iterations];
        int raised = 0, updated = 0, resolved = 0;
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            var outcomes = await run();
            times[i] = watch.Elapsed.TotalMilliseconds;
            raised += outcomes.Sum(o => o.Raised);
            updated += outcomes.Sum(o => o.Updated);
            resolved += outcomes.Sum(o => o.Resolved);
        }
        Array.Sort(times);
        return $"| {name} | {Harness.Median(times):F1} | {Harness.P95(times):F1} | {times[^1]:F1} | {raised} / {updated} / {resolved} |";
    }

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of the rule's statement as the evaluator sends it, in a transaction rolled back.</summary>
    private static async Task ExplainAsync(IServiceProvider sp, IAlertRule rule, string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var now = DateTime.UtcNow;
        var firing = await rule.FiringAsync(new AlertRuleContext(now, sp.GetRequiredService<SystemSettings>(), conn, CancellationToken.None));
        Console.WriteLine();
        Console.WriteLine($"===== {rule.Id}");
        if (firing == FiringQuery.Skip)
        {
            Console.WriteLine("(skipped: nothing to read)");
            return;
        }
        await using var cmd = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + AlertEvaluator.Statement(firing.Sql), conn, tx);
        cmd.Parameters.AddRange(firing.Parameters.Select(p => p.Clone()).ToArray());
        foreach (var p in AlertEvaluator.StatementParameters(rule, now)) cmd.Parameters.Add(p);
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) Console.WriteLine(reader.GetString(0));
        await tx.RollbackAsync();
    }

    private static async Task<long> OpenAlertsAsync(string cs) => long.Parse(await ScalarAsync(cs, "SELECT count(*) FROM alerts WHERE resolved_at IS NULL"));

    private static async Task<string> ScalarAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class ShiftedTime(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }
}
