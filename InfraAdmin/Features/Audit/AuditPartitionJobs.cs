using System.Data;
using System.IO.Compression;
using System.Text.Json;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Features.Audit;

/// <summary>
/// Creates the audit log's monthly partitions ahead of time (this month and the next <see cref="MonthsAhead"/>), and gives
/// a month with rows in the default partition its own partition (the rows move with it). Idempotent: an existing
/// partition is left as it is, and <c>audit_log_ensure_partition</c> serialises concurrent callers.
/// </summary>
public sealed class AuditPartitionsJob(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider clock) : IRecurringJob
{
    public const int MonthsAhead = 3;

    public string Id => "audit.partitions";
    public string Description => $"Creates the audit log's monthly partitions for this month and the next {MonthsAhead}; moves rows out of the default partition";
    public string Cron => "10 0 * * *";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var current = AuditPartitions.MonthOf(clock.GetUtcNow().UtcDateTime);
        var horizon = current.AddMonths(MonthsAhead);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();

        var existing = (await AuditPartitions.ListAsync(conn, ct)).Select(p => p.Month).ToHashSet();
        // Rows dated far ahead (a wrong clock) stay in the default partition rather than opening partitions for them.
        var stray = (await AuditPartitions.MonthsInDefaultAsync(conn, ct)).Where(m => m <= horizon).ToList();
        var months = Enumerable.Range(0, MonthsAhead + 1).Select(current.AddMonths).Concat(stray).Distinct().Order()
            .Where(m => !existing.Contains(m)).ToList();
        var created = new List<string>();
        foreach (var month in months) created.Add(await AuditPartitions.EnsureAsync(conn, month, ct));
        return created.Count == 0
            ? $"partitions up to {AuditPartitions.NameOf(horizon)} exist"
            : $"created {string.Join(", ", created)}" + (stray.Count > 0 ? $" (rows moved from {AuditPartitions.Default})" : "");
    }
}

/// <summary>Where archived months are written: <c>Audit:ArchivePath</c>, else <c>App_Data/audit-archive</c> under the content root.</summary>
public sealed class AuditArchiveFolder(IConfiguration configuration, IHostEnvironment env)
{
    public string Path { get; } = System.IO.Path.GetFullPath(configuration["Audit:ArchivePath"] is { Length: > 0 } folder
        ? System.IO.Path.Combine(env.ContentRootPath, folder)
        : System.IO.Path.Combine(env.ContentRootPath, "App_Data", "audit-archive"));
}

/// <summary>
/// Every monthly partition entirely older than <c>audit.retention_months</c> (whole months before this month) is
/// exported to <c>audit_log_yyyy_MM.csv.gz</c> in the archive folder (the /audit CSV's columns, streamed), the file's
/// record count checked against the partition's, then the partition is detached and dropped and the run audited
/// (<c>audit.archive</c>), all in one transaction per month. Rows in the default partition older than the retention first
/// get their month's partition, so they are archived the same way. One instance at a time (a PostgreSQL advisory
/// lock, besides Hangfire running each occurrence once); a second run finds nothing to do. An archive file is never
/// overwritten: a month archived again (rows written later with an old date) gets the next free name.
/// </summary>
public sealed class AuditArchiveJob(
    IDbContextFactory<InfraAdminDbContext> dbFactory, SystemSettings settings, AuditArchiveFolder folder, TimeProvider clock,
    ILogger<AuditArchiveJob> logger) : IRecurringJob
{
    /// <summary>Seconds a statement of the job may take: a month at 100,000 tenants is ~400,000 rows to count and stream.</summary>
    private const int CommandSeconds = 1800;

    /// <summary>Held for the whole run (pg_try_advisory_lock): a second instance starting meanwhile does nothing.</summary>
    public const long LockKey = 0x6175646974; // "audit"

    public string Id => "audit.archive";
    public string Description => "Exports each month of the audit log past the retention (audit.retention_months) to a gzipped CSV, then detaches and drops it";
    public string Cron => "40 3 * * *";

    public string Folder => folder.Path;

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var retention = await settings.GetAsync(SettingCatalog.AuditRetentionMonths, ct);
        var cutoff = AuditPartitions.MonthOf(clock.GetUtcNow().UtcDateTime).AddMonths(-retention);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();

        if (!await ScalarAsync<bool>(conn, $"SELECT pg_try_advisory_lock({LockKey})", ct))
            return "another instance is archiving; nothing done here";
        try
        {
            foreach (var month in (await AuditPartitions.MonthsInDefaultAsync(conn, ct)).Where(m => m < cutoff))
                await AuditPartitions.EnsureAsync(conn, month, ct);
            var due = (await AuditPartitions.ListAsync(conn, ct)).Where(p => p.Month < cutoff).ToList();
            if (due.Count == 0) return $"nothing before {cutoff:yyyy-MM} to archive (retention {retention} months)";
            Directory.CreateDirectory(folder.Path);
            var done = new List<string>();
            long rows = 0;
            foreach (var (name, month) in due)
            {
                var (count, file) = await ArchiveAsync(conn, name, month, ct);
                rows += count;
                done.Add($"{month:yyyy-MM} ({count} rows → {System.IO.Path.GetFileName(file)})");
            }
            return $"archived {done.Count} month(s), {rows} rows: {string.Join(", ", done)}";
        }
        finally
        {
            await ScalarAsync<bool>(conn, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private async Task<(long Rows, string File)> ArchiveAsync(NpgsqlConnection conn, string name, DateOnly month, CancellationToken ct)
    {
        var table = $"public.\"{name}\""; // name matched audit_log_yyyy_MM
        var temp = System.IO.Path.Combine(folder.Path, $"{name}.csv.gz.partial");
        string? file = null;
        var committing = false;
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            // Nothing writes to the month until it is gone (reads go on); the count and the file see the same rows.
            await ExecAsync(conn, $"LOCK TABLE {table} IN SHARE MODE", ct);
            var expected = await ScalarAsync<long>(conn, $"SELECT count(*) FROM {table}", ct);
            var written = await ExportAsync(conn, table, temp, ct);
            long inFile;
            using (var check = new StreamReader(new GZipStream(File.OpenRead(temp), CompressionMode.Decompress), AuditCsv.Utf8))
                inFile = AuditCsv.CountRecords(check);
            if (written != expected || inFile != expected)
                throw new InvalidOperationException($"{name}: the partition holds {expected} rows but {written} were written and the file holds {inFile}; nothing dropped.");
            file = FreeName(name);
            File.Move(temp, file);

            // Plain DETACH (CONCURRENTLY cannot run in a transaction): a brief ACCESS EXCLUSIVE lock on audit_log. Waiting
            // behind a long reader is bounded: the transaction fails, its file is removed, and tomorrow's run tries again.
            await ExecAsync(conn, "SET LOCAL lock_timeout = '10s'", ct);
            await ExecAsync(conn, $"ALTER TABLE public.audit_log DETACH PARTITION {table}", ct);
            await ExecAsync(conn, $"DROP TABLE {table}", ct);
            await using (var audit = new NpgsqlCommand("""
                INSERT INTO audit_log (actor_name, action, entity_type, entity_id, after, created)
                VALUES (@actor, @action, 'audit_log', @entity, @after, @created)
                """, conn))
            {
                audit.Parameters.AddWithValue("actor", SystemAuditActor.System.Name);
                audit.Parameters.AddWithValue("action", AuditActions.AuditArchive);
                audit.Parameters.AddWithValue("entity", name);
                audit.Parameters.AddWithValue("after", NpgsqlTypes.NpgsqlDbType.Jsonb,
                    JsonSerializer.Serialize(new { month = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), rows = expected, file }));
                audit.Parameters.AddWithValue("created", clock.GetUtcNow().UtcDateTime);
                await audit.ExecuteNonQueryAsync(ct);
            }
            committing = true;
            await tx.CommitAsync(ct);
            logger.LogInformation("Archived {Partition}: {Rows} rows to {File}", name, expected, file);
            return (expected, file);
        }
        catch
        {
            File.Delete(temp);
            // The month is still in the database (nothing committed): its file would be a duplicate of the next run's.
            // After a failed commit it may not be, so its file stays.
            if (file is not null && !committing) File.Delete(file);
            throw;
        }
    }

    /// <summary>Streams the partition into a gzipped CSV (never the whole month in memory); returns the rows written.</summary>
    private static async Task<long> ExportAsync(NpgsqlConnection conn, string table, string path, CancellationToken ct)
    {
        long written = 0;
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await using (var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true))
        await using (var writer = new StreamWriter(gzip, AuditCsv.Utf8, 64 * 1024))
        {
            AuditCsv.WriteLine(writer, AuditCsv.Header);
            await using var cmd = new NpgsqlCommand($"""
                SELECT id, created, actor_name, actor_id, action, entity_type, entity_id, tenant_id, before::text, after::text, ip_address
                FROM {table} ORDER BY created, id
                """, conn) { CommandTimeout = CommandSeconds };
            await using var r = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await r.ReadAsync(ct))
            {
                var row = new AuditRow(r.GetInt64(0), r.GetDateTime(1), Text(r, 2), Uuid(r, 3), r.GetString(4), r.GetString(5), Text(r, 6),
                    Uuid(r, 7), Text(r, 8), Text(r, 9), Text(r, 10));
                AuditCsv.WriteLine(writer, AuditCsv.Cells(row));
                written++;
            }
        }
        await stream.FlushAsync(ct);
        stream.Flush(flushToDisk: true);
        return written;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static Guid? Uuid(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);

    private string FreeName(string name)
    {
        var path = System.IO.Path.Combine(folder.Path, $"{name}.csv.gz");
        for (var n = 2; File.Exists(path); n++) path = System.IO.Path.Combine(folder.Path, $"{name}-{n}.csv.gz");
        return path;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = CommandSeconds };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = CommandSeconds };
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
