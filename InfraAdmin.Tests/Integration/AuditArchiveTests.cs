using System.IO.Compression;
using System.Text;
using System.Text.Json;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Features.Audit;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration;

/// <summary>
/// The retention job on real PostgreSQL: months entirely older than <c>audit.retention_months</c> are exported (their
/// exact rows, as the /audit CSV), detached and dropped, the default partition's old rows with them; younger months stay;
/// each month is audited once, and a second run (or a second instance) does nothing. The setting keeps its range.
/// </summary>
public sealed class AuditArchiveTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        return conn;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection conn, DateOnly month) =>
        await ScalarAsync<bool>(conn, $"SELECT to_regclass('public.{AuditPartitions.NameOf(month)}') IS NOT NULL");

    /// <summary>Rows named <c>{prefix}-{n}</c> in the middle of <paramref name="month"/>.</summary>
    private static async Task InsertAsync(NpgsqlConnection conn, DateOnly month, string prefix, int count)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO audit_log (actor_name, action, entity_type, entity_id, after, ip_address, created)
            SELECT 'ops@archive.test', 'ip.status', 'smtp_ip_addresses', @prefix || '-' || n, jsonb_build_object('n', n), '203.0.113.7',
                   @start + n * interval '1 hour'
            FROM generate_series(1, @count) n
            """, conn);
        cmd.Parameters.AddWithValue("prefix", prefix);
        cmd.Parameters.AddWithValue("count", count);
        cmd.Parameters.AddWithValue("start", new DateTime(month.Year, month.Month, 10, 0, 0, 0, DateTimeKind.Utc));
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private async Task SetRetentionAsync(int months)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var service = scope.ServiceProvider.GetRequiredService<SystemConfigService>();
        var row = await service.GetAsync(SettingKeys.AuditRetentionMonths, Ct);
        await service.UpdateAsync(SettingKeys.AuditRetentionMonths,
            new ConfigInput { Category = row!.Category, Description = row.Description, ValueJson = months.ToString(System.Globalization.CultureInfo.InvariantCulture) }, row.Version, Ct);
    }

    private async Task<string> RunArchiveAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetServices<IRecurringJob>().Single(j => j.Id == "audit.archive").RunAsync(Ct);
    }

    private string ArchiveFolder => App.Services.GetRequiredService<AuditArchiveFolder>().Path;

    /// <summary>The records of a gzipped CSV (RFC 4180: quoted cells may hold commas, quotes and line breaks).</summary>
    private static List<List<string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8);
        var text = reader.ReadToEnd();
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { record.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                record.Add(cell.ToString());
                cell.Clear();
                records.Add(record);
                record = [];
            }
            else cell.Append(c);
        }
        Assert.Empty(cell.ToString()); // every record ends with CRLF
        return records;
    }

    [Fact]
    public async Task Months_past_the_retention_are_exported_with_exactly_their_rows_then_detached_dropped_and_audited_once()
    {
        await SetRetentionAsync(3);
        var current = AuditPartitions.MonthOf(DateTime.UtcNow);
        var (oldest, inDefault, old, young) = (current.AddMonths(-6), current.AddMonths(-5), current.AddMonths(-4), current.AddMonths(-3));
        await using var conn = await OpenAsync();
        await AuditPartitions.EnsureAsync(conn, oldest, Ct);
        await AuditPartitions.EnsureAsync(conn, old, Ct);
        await AuditPartitions.EnsureAsync(conn, young, Ct);
        Assert.False(await ExistsAsync(conn, inDefault));
        await InsertAsync(conn, oldest, "oldest", 40);
        await InsertAsync(conn, inDefault, "default", 7);
        await InsertAsync(conn, old, "old", 3);
        await InsertAsync(conn, young, "young", 4);
        // One row a spreadsheet or a naive reader would trip on: a formula, a line break, quotes and commas, JSON.
        await using (var odd = new NpgsqlCommand("""
            INSERT INTO audit_log (actor_name, actor_id, action, entity_type, entity_id, tenant_id, before, after, created)
            VALUES ('Line one' || chr(10) || 'line "two", end', @actor, 'update', 'tenant_config', '=SUM(A1)', @tenant,
                    '{"note": "a\nb"}', '{"note": "c"}', @created)
            """, conn))
        {
            odd.Parameters.AddWithValue("actor", Demo.AcmeTenant);
            odd.Parameters.AddWithValue("tenant", Demo.AcmeTenant);
            odd.Parameters.AddWithValue("created", new DateTime(oldest.Year, oldest.Month, 20, 13, 14, 15, DateTimeKind.Utc));
            await odd.ExecuteNonQueryAsync(Ct);
        }
        Assert.Equal(7, await ScalarAsync<long>(conn, $"SELECT count(*) FROM {AuditPartitions.Default} WHERE entity_id LIKE 'default-%'"));

        var result = await RunArchiveAsync();
        Assert.StartsWith("archived 3 month(s), 51 rows", result);

        // The files: the /audit CSV header, then exactly the month's rows (oldest first).
        var files = new[] { (oldest, "oldest", 41), (inDefault, "default", 7), (old, "old", 3) };
        foreach (var (month, prefix, count) in files)
        {
            var path = Path.Combine(ArchiveFolder, AuditPartitions.NameOf(month) + ".csv.gz");
            var records = ReadCsv(path);
            Assert.Equal(AuditCsv.Header, records[0]);
            var rows = records.Skip(1).ToList();
            Assert.Equal(count, rows.Count);
            Assert.All(rows, r => Assert.Equal(AuditCsv.Header.Count, r.Count));
            var expected = Enumerable.Range(1, prefix == "oldest" ? count - 1 : count).Select(n => $"{prefix}-{n}").ToList();
            if (prefix == "oldest") expected.Add("'=SUM(A1)"); // the odd row, its formula defused as in /audit's export
            Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(r => r[5]).Order(StringComparer.Ordinal));
            Assert.All(rows, r => Assert.StartsWith(month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), r[0]));
            Assert.Equal(rows.Select(r => r[0]).Order(StringComparer.Ordinal), rows.Select(r => r[0]));
            Assert.False(await ExistsAsync(conn, month), $"{AuditPartitions.NameOf(month)} is dropped");
        }
        var oddRow = ReadCsv(Path.Combine(ArchiveFolder, AuditPartitions.NameOf(oldest) + ".csv.gz")).Single(r => r[5] == "'=SUM(A1)");
        Assert.Equal([$"{oldest:yyyy-MM}-20T13:14:15Z", "Line one\nline \"two\", end", Demo.AcmeTenant.ToString(), "update", "tenant_config",
            "'=SUM(A1)", Demo.AcmeTenant.ToString(), """{"note": "a\nb"}""", """{"note": "c"}""", ""], oddRow);

        // Nothing older than the retention is left anywhere; the young month is untouched.
        var cutoff = new DateTime(young.Year, young.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var left = new NpgsqlCommand("SELECT count(*) FROM audit_log WHERE created < @cutoff", conn))
        {
            left.Parameters.AddWithValue("cutoff", cutoff);
            Assert.Equal(0L, await left.ExecuteScalarAsync(Ct));
        }
        Assert.True(await ExistsAsync(conn, young));
        Assert.Equal(4, await ScalarAsync<long>(conn, $"SELECT count(*) FROM {AuditPartitions.NameOf(young)} WHERE entity_id LIKE 'young-%'"));
        Assert.False(File.Exists(Path.Combine(ArchiveFolder, AuditPartitions.NameOf(young) + ".csv.gz")));

        // Audited: one row per month, naming its rows and file.
        var names = files.Select(f => AuditPartitions.NameOf(f.Item1)).ToList();
        await using (var db = Db.CreateContext())
        {
            var audit = await db.AuditLog.AsNoTracking().Where(a => a.Action == AuditActions.AuditArchive && names.Contains(a.EntityId!))
                .OrderBy(a => a.EntityId).ToListAsync(Ct);
            Assert.Equal(names.Order(), audit.Select(a => a.EntityId));
            var first = audit.Single(a => a.EntityId == AuditPartitions.NameOf(inDefault)).After!.RootElement;
            Assert.Equal(7, first.GetProperty("rows").GetInt64());
            Assert.Equal($"{inDefault:yyyy-MM}", first.GetProperty("month").GetString());
            Assert.Equal(Path.Combine(ArchiveFolder, AuditPartitions.NameOf(inDefault) + ".csv.gz"), first.GetProperty("file").GetString());
            Assert.All(audit, a => Assert.Equal("system", a.ActorName));
        }

        // A second run finds nothing and writes nothing.
        var before = Directory.GetFiles(ArchiveFolder).Order().ToList();
        Assert.StartsWith("nothing before", await RunArchiveAsync());
        Assert.Equal(before, Directory.GetFiles(ArchiveFolder).Order().ToList());
        await using (var db = Db.CreateContext())
            Assert.Equal(3, await db.AuditLog.CountAsync(a => a.Action == AuditActions.AuditArchive && names.Contains(a.EntityId!), Ct));
    }

    [Fact]
    public async Task Two_instances_at_once_archive_a_month_once()
    {
        await SetRetentionAsync(3);
        var month = AuditPartitions.MonthOf(DateTime.UtcNow).AddMonths(-9);
        await using var conn = await OpenAsync();
        await AuditPartitions.EnsureAsync(conn, month, Ct);
        await InsertAsync(conn, month, "twice", 5);

        await using var a = App.Services.CreateAsyncScope();
        await using var b = App.Services.CreateAsyncScope();
        var jobs = new[] { a, b }.Select(s => s.ServiceProvider.GetServices<IRecurringJob>().Single(j => j.Id == "audit.archive")).ToList();
        using var start = new ManualResetEventSlim();
        var runs = jobs.Select(job => Task.Run(async () => { start.Wait(Ct); return await job.RunAsync(Ct); }, Ct)).ToList();
        start.Set();
        await Task.WhenAll(runs);

        Assert.False(await ExistsAsync(conn, month));
        await using var db = Db.CreateContext();
        Assert.Equal(1, await db.AuditLog.CountAsync(x => x.Action == AuditActions.AuditArchive && x.EntityId == AuditPartitions.NameOf(month), Ct));
        Assert.Single(Directory.GetFiles(ArchiveFolder, AuditPartitions.NameOf(month) + "*"));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("121")]
    [InlineData("24.5")]
    [InlineData("\"24\"")]
    public async Task A_retention_outside_3_to_120_months_is_refused(string json)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var service = scope.ServiceProvider.GetRequiredService<SystemConfigService>();
        var row = await service.GetAsync(SettingKeys.AuditRetentionMonths, Ct);
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => service.UpdateAsync(SettingKeys.AuditRetentionMonths,
            new ConfigInput { Category = row!.Category, Description = row.Description, ValueJson = json }, row.Version, Ct));
        Assert.Contains("from 3 to 120", ex.Errors[nameof(ConfigInput.ValueJson)]);
    }

    [Fact]
    public async Task A_stored_retention_out_of_range_is_ignored_for_the_default_of_24_months()
    {
        await using (var db = Db.CreateContext())
            await db.SystemConfig.Where(c => c.Key == SettingKeys.AuditRetentionMonths)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, JsonDocument.Parse("1", default)), Ct);
        App.Services.GetRequiredService<SystemSettings>().Invalidate();
        var month = AuditPartitions.MonthOf(DateTime.UtcNow).AddMonths(-2);
        await using var conn = await OpenAsync();
        await AuditPartitions.EnsureAsync(conn, month, Ct);
        await InsertAsync(conn, month, "kept", 2);

        var result = await RunArchiveAsync();
        Assert.Contains("(retention 24 months)", result);
        Assert.True(await ExistsAsync(conn, month));
        await SetRetentionAsync(24);
    }
}
