using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
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
/// audit_log as PostgreSQL partitions it: by month on created (read from the catalog), a default partition for a month
/// without one, the job that makes the coming months' partitions, and the audit page's date filter reading only its months.
/// Each test uses months of its own (years ahead), so the tests do not depend on each other or on today.
/// </summary>
public sealed class AuditPartitionTests(AuditPartitionTests.Fixture fixture) : IClassFixture<AuditPartitionTests.Fixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One database and app; the query capture listens from before the first context exists (see QueryPlanTests).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public InfraAdminFactory App { get; private set; } = default!;
        public QueryCapture Capture { get; private set; } = default!;

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            Capture = new QueryCapture(Database.Name);
            App = new InfraAdminFactory(Database);
        }

        public async ValueTask DisposeAsync()
        {
            Capture.Dispose();
            await App.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(fixture.Database.ConnectionString);
        await conn.OpenAsync(Ct);
        return conn;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(Ct);
        while (await r.ReadAsync(Ct)) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>Writes one audit row through EF Core (the app's path: identity id, composite key) and returns it.</summary>
    private async Task<AuditLog> AddRowAsync(DateTime created, string entityId)
    {
        await using var db = fixture.Database.CreateContext();
        var row = new AuditLog { Action = AuditActions.Update, EntityType = "partition_test", EntityId = entityId, Created = created };
        db.AuditLog.Add(row);
        await db.SaveChangesAsync(Ct);
        Assert.True(row.Id > 0);
        return row;
    }

    private static async Task<string> PartitionOfAsync(NpgsqlConnection conn, long id) =>
        await ScalarAsync<string>(conn, $"SELECT tableoid::regclass::text FROM audit_log WHERE id = {id}");

    private async Task<string> RunPartitionsJobAsync(TimeProvider clock)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetServices<IRecurringJob>().OfType<AuditPartitionsJob>().Single();
        return await ((IRecurringJob)ActivatorUtilities.CreateInstance(scope.ServiceProvider, job.GetType(), clock)).RunAsync(Ct);
    }

    [Fact]
    public async Task Audit_log_is_partitioned_by_month_on_created_with_a_default_partition_and_every_index_on_each()
    {
        await using var conn = await OpenAsync();
        Assert.Equal("r", await ScalarAsync<string>(conn, """
            SELECT p.partstrat::text FROM pg_partitioned_table p WHERE p.partrelid = 'public.audit_log'::regclass
            """));
        Assert.Equal("created", await ScalarAsync<string>(conn, """
            SELECT a.attname::text FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
            WHERE p.partrelid = 'public.audit_log'::regclass AND p.partnatts = 1
            """));
        Assert.Equal(["created", "id"], (await ListAsync(conn, """
            SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = 'public.audit_log'::regclass AND i.indisprimary
            """)).Order());
        Assert.Equal(["ix_audit_log_action", "ix_audit_log_actor", "ix_audit_log_created", "ix_audit_log_entity", "ix_audit_log_tenant", "pk_audit_log"],
            (await ListAsync(conn, "SELECT indexname::text FROM pg_indexes WHERE tablename = 'audit_log'")).Order());

        var children = await ListAsync(conn, """
            SELECT c.relname::text || '|' || pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'public.audit_log'::regclass
            """);
        Assert.Contains($"{AuditPartitions.Default}|DEFAULT", children);
        // This month and the next three exist from the migration (and the template is at most a day old).
        var month = AuditPartitions.MonthOf(DateTime.UtcNow);
        var name = AuditPartitions.NameOf(month);
        Assert.Contains($"{name}|FOR VALUES FROM ('{month:yyyy-MM-dd} 00:00:00+00') TO ('{month.AddMonths(1):yyyy-MM-dd} 00:00:00+00')", children);
        foreach (var child in children.Select(c => c.Split('|')[0]))
            Assert.Equal(6, await ScalarAsync<long>(conn, $"SELECT count(*) FROM pg_indexes WHERE tablename = '{child}'")); // the key and the five
    }

    [Fact]
    public async Task A_row_of_a_month_without_a_partition_lands_in_the_default_one_and_moves_when_its_month_is_made()
    {
        await using var conn = await OpenAsync();
        var early = await AddRowAsync(new DateTime(2041, 3, 10, 8, 0, 0, DateTimeKind.Utc), "early");
        Assert.Equal(AuditPartitions.Default, await PartitionOfAsync(conn, early.Id));

        var result = await RunPartitionsJobAsync(TestClock.At(2041, 2, 15));
        Assert.Contains("audit_log_2041_02", result);
        foreach (var month in new[] { "2041_02", "2041_03", "2041_04", "2041_05" })
            Assert.True(await ScalarAsync<bool>(conn, $"SELECT to_regclass('public.audit_log_{month}') IS NOT NULL"), month);
        Assert.False(await ScalarAsync<bool>(conn, "SELECT to_regclass('public.audit_log_2041_06') IS NOT NULL"));
        Assert.Equal("audit_log_2041_03", await PartitionOfAsync(conn, early.Id)); // the same row (same id), moved

        var later = await AddRowAsync(new DateTime(2041, 4, 1, 0, 0, 0, DateTimeKind.Utc), "later");
        Assert.Equal("audit_log_2041_04", await PartitionOfAsync(conn, later.Id)); // the first instant of April is April's
        Assert.True(later.Id > early.Id, "one identity sequence numbers every partition's rows");

        // A second run (or a second instance) finds every partition there.
        Assert.Equal("partitions up to audit_log_2041_05 exist", await RunPartitionsJobAsync(TestClock.At(2041, 2, 16)));
        Assert.Equal(2, await ScalarAsync<long>(conn, "SELECT count(*) FROM audit_log WHERE entity_type = 'partition_test' AND created >= '2041-01-01Z' AND created < '2042-01-01Z'"));
    }

    [Fact]
    public async Task Both_partition_jobs_are_listed_on_the_jobs_page()
    {
        await using var scope = await fixture.App.ScopeAsAsync(Demo.Admin);
        var jobs = await scope.ServiceProvider.GetRequiredService<JobsService>().ListAsync();
        Assert.Contains(jobs, j => j.Id == "audit.partitions" && j.Cron == "10 0 * * *");
        Assert.Contains(jobs, j => j.Id == "audit.archive" && j.Cron == "40 3 * * *");
    }

    [Fact]
    public async Task The_audit_page_with_a_date_filter_reads_only_the_partitions_of_its_months()
    {
        await using (var conn = await OpenAsync())
            foreach (var month in new[] { new DateOnly(2043, 6, 1), new DateOnly(2043, 7, 1), new DateOnly(2043, 8, 1) })
                await AuditPartitions.EnsureAsync(conn, month, Ct);
        var inJuly = await AddRowAsync(new DateTime(2043, 7, 9, 12, 0, 0, DateTimeKind.Utc), "july");
        await AddRowAsync(new DateTime(2043, 8, 9, 12, 0, 0, DateTimeKind.Utc), "august");

        var capture = fixture.Capture;
        AuditResults results;
        await using (var scope = await fixture.App.ScopeAsAsync(Demo.Admin))
        {
            capture.Clear();
            results = await scope.ServiceProvider.GetRequiredService<AuditService>().SearchAsync(
                new AuditFilter(From: new DateTime(2043, 7, 1, 0, 0, 0, DateTimeKind.Utc), To: new DateTime(2043, 7, 20, 0, 0, 0, DateTimeKind.Utc)), 0, 25, Ct);
        }
        Assert.Equal(new GridTotal(1, false), results.Total);
        Assert.Equal(inJuly.Id, Assert.Single(results.Rows).Id);

        var commands = capture.Commands.Where(c => c.Sql.Contains("audit_log")).ToList();
        Assert.Equal(2, commands.Count); // the total and the page
        foreach (var command in commands)
        {
            var read = (await command.PlanAsync(fixture.Database.ConnectionString))
                .Select(n => n.Relation).Where(r => r?.StartsWith("audit_log", StringComparison.Ordinal) == true).Distinct().ToList();
            Assert.Equal(["audit_log_2043_07"], read);
        }
    }
}
