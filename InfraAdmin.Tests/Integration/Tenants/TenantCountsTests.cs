using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Migrations;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>
/// The tenants list's per-tenant numbers of users and domains kept by triggers (<see cref="TenantCounts"/>) after every
/// kind of write (insert, a move to another tenant, an update that moves nothing, delete, a tenant deleted with its
/// domains, truncate): the kept rows equal a recount, one per tenant, and the list shows exactly the rows, figures and
/// order of the query it replaced (which counted every tenant's users and domains), for every sort and filter.
/// </summary>
public sealed class TenantCountsTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The kept rows against a recount, one row per tenant: the differing rows, one a line ('' when none).</summary>
    internal static readonly string KeptVersusRecount = $"""
        WITH recount AS (
            SELECT t.id AS tenant_id, (SELECT count(*) FROM users u WHERE u.tenant_id = t.id)::int AS users,
                   (SELECT count(*) FROM domains d WHERE d.tenant_id = t.id)::int AS domains
            FROM tenants t),
        kept AS (SELECT tenant_id, users, domains FROM {TenantCounts.Table}),
        diff AS ((SELECT 'kept' AS side, * FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) a)
                 UNION ALL (SELECT 'recount', * FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) b))
        SELECT coalesce(string_agg(diff::text, E'\n' ORDER BY diff::text), '') FROM diff
        """;

    /// <summary>The list's query before the kept counts (every tenant's users and domains counted), with its filters and order.</summary>
    private static string OldQuery(TenantListQuery q)
    {
        var where = new List<string>();
        if (q.Search is not null) where.Add("(t.name ILIKE @pattern OR t.slug ILIKE @pattern)");
        if (q.Plan is not null) where.Add("t.plan = @plan");
        if (q.Status is not null) where.Add("t.status = @status");
        var column = q.SortBy switch
        {
            nameof(TenantListRow.Plan) => "t.plan", nameof(TenantListRow.Status) => "t.status",
            nameof(TenantListRow.MonthlyRevenue) => "t.monthly_revenue", nameof(TenantListRow.Users) => "users",
            nameof(TenantListRow.Domains) => "domains", _ => "t.name",
        };
        return $"""
            SELECT t.id, t.name, t.slug, t.plan, t.status, t.monthly_revenue,
                   (SELECT count(*) FROM users u WHERE u.tenant_id = t.id)::int AS users,
                   (SELECT count(*) FROM domains d WHERE d.tenant_id = t.id)::int AS domains
            FROM tenants t {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY {column} {(q.Descending ? "DESC" : "")}, t.id
            """;
    }

    private static readonly string?[] Sorts =
    [
        null, nameof(TenantListRow.Plan), nameof(TenantListRow.Status), nameof(TenantListRow.MonthlyRevenue),
        nameof(TenantListRow.Users), nameof(TenantListRow.Domains),
    ];

    private static readonly TenantListQuery[] Filters =
    [
        new(), new(Plan: "growth"), new(Status: TenantStatus.Active), new(Search: "counted"), new(Search: "counted", Plan: "starter"),
    ];

    [Fact]
    public async Task The_list_equals_the_old_query_and_the_kept_counts_a_recount_after_mixed_writes()
    {
        // Eight tenants of ours, two plans, equal revenues: ties on every column, broken by the id as before.
        var t = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();
        await ExecAsync($"""
            INSERT INTO tenants (id, name, slug, plan, status, monthly_revenue)
            SELECT id, 'Counted ' || n, 'counted-' || n, CASE WHEN n % 2 = 0 THEN 'starter' ELSE 'growth' END,
                   CASE WHEN n % 3 = 0 THEN 'trial' ELSE 'active' END, 100
            FROM unnest(ARRAY['{string.Join("','", t)}']::uuid[]) WITH ORDINALITY AS x(id, n)
            """);
        await AssertSameAsync("new tenants (no users, no domains)");

        // Domains: one statement across tenants (3, 3, 1, 5), then two through EF (one SaveChanges); users by SQL, a staff user without a tenant.
        await ExecAsync($"""
            INSERT INTO domains (tenant_id, name)
            SELECT tenant, 'd' || n || '.counted.test'
            FROM unnest(ARRAY['{t[0]}', '{t[0]}', '{t[0]}', '{t[1]}', '{t[1]}', '{t[1]}', '{t[2]}', '{t[4]}', '{t[4]}', '{t[4]}', '{t[4]}', '{t[4]}']::uuid[])
                WITH ORDINALITY AS x(tenant, n)
            """);
        await using (var db = Db.CreateContext())
        {
            db.Domains.AddRange(new Domain { TenantId = t[5], Name = "ef1.counted.test" }, new Domain { TenantId = t[6], Name = "ef2.counted.test" });
            db.AuditEnabled = false;
            await db.SaveChangesAsync(Ct);
        }
        await ExecAsync($"""
            INSERT INTO users (tenant_id, email, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT tenant, 'u' || n || '@counted.test', true, false, false, true, 0
            FROM unnest(ARRAY['{t[0]}', '{t[0]}', '{t[1]}', '{t[3]}', '{t[3]}', '{t[3]}', NULL]::uuid[]) WITH ORDINALITY AS x(tenant, n)
            """);
        await AssertSameAsync("domains and users inserted");

        // Moves: one domain to another tenant, two swapped in one statement, an update that moves nothing, users moved (one to no tenant).
        await ExecAsync($"UPDATE domains SET tenant_id = '{t[7]}' WHERE name = 'd1.counted.test'");
        await ExecAsync($"""
            UPDATE domains SET tenant_id = CASE WHEN tenant_id = '{t[1]}' THEN '{t[4]}'::uuid ELSE '{t[1]}'::uuid END
            WHERE name IN ('d4.counted.test', 'd9.counted.test', 'd10.counted.test')
            """);
        await ExecAsync("UPDATE domains SET status = 'suspended' WHERE name LIKE '%.counted.test'");
        await ExecAsync($"UPDATE users SET tenant_id = '{t[2]}' WHERE email = 'u3@counted.test'");
        await ExecAsync("UPDATE users SET tenant_id = NULL WHERE email = 'u4@counted.test'");
        await AssertSameAsync("domains and users moved");

        // Deletes: one domain, several across tenants, a user.
        await ExecAsync("DELETE FROM domains WHERE name = 'd2.counted.test'");
        await ExecAsync("DELETE FROM domains WHERE name IN ('d8.counted.test', 'd3.counted.test', 'ef1.counted.test')");
        await ExecAsync("DELETE FROM users WHERE email = 'u5@counted.test'");
        await AssertSameAsync("domains and a user deleted");

        // A tenant deleted with its domains (the cascade), after its users.
        await ExecAsync($"DELETE FROM users WHERE tenant_id = '{t[4]}'; DELETE FROM tenants WHERE id = '{t[4]}'");
        await AssertSameAsync("a tenant deleted with its domains");
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM {TenantCounts.Table} WHERE tenant_id = '{t[4]}'"));

        // The migration's (and a repair's) fill gives the rows the triggers kept; a TRUNCATE of the users zeroes them (both rolled back).
        await using (var conn = await OpenAsync())
        await using (var tx = await conn.BeginTransactionAsync(Ct))
        {
            const string keptRows = $"SELECT string_agg(k::text, ',' ORDER BY k::text) FROM {TenantCounts.Table} k";
            var kept = await TextAsync(conn, keptRows);
            await TextAsync(conn, TenantCounts.Refill + "SELECT ''");
            Assert.Equal(kept, await TextAsync(conn, keptRows));
            await TextAsync(conn, "TRUNCATE users CASCADE; SELECT ''");
            Assert.Equal("", await TextAsync(conn, KeptVersusRecount));
            Assert.Equal("0", await TextAsync(conn, $"SELECT count(*)::text FROM {TenantCounts.Table} WHERE users <> 0"));
            await tx.RollbackAsync(Ct);
        }

        // A TRUNCATE of the domains (and what references them): every tenant at no domain, in id order when sorted by domains.
        await ExecAsync("TRUNCATE domains CASCADE");
        await AssertSameAsync("the domains truncated");
        Assert.Equal(await ScalarAsync("SELECT count(*) FROM tenants"), await ScalarAsync($"SELECT count(*) FROM {TenantCounts.Table} WHERE domains = 0"));
    }

    /// <summary>Each write, with the trigger that should count it dropped, leaves the kept rows off a recount: the check above sees a missed write.</summary>
    [Theory]
    [InlineData("tenants", "ins", "INSERT INTO tenants (name, slug) VALUES ('Missed', 'missed')")]
    [InlineData("domains", "ins", "INSERT INTO domains (tenant_id, name) VALUES ('{acme}', 'missed.test')")]
    [InlineData("domains", "upd", "UPDATE domains SET tenant_id = '{globex}' WHERE id = '{domain}'")]
    [InlineData("domains", "del", "DELETE FROM domains WHERE id = '{domain}'")]
    [InlineData("domains", "trunc", "TRUNCATE domains CASCADE")]
    [InlineData("users", "ins", "INSERT INTO users (tenant_id, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count) VALUES ('{acme}', true, false, false, true, 0)")]
    [InlineData("users", "upd", "UPDATE users SET tenant_id = '{globex}' WHERE id = '{user}'")]
    [InlineData("users", "del", "DELETE FROM users WHERE id = '{user}'")]
    [InlineData("users", "trunc", "TRUNCATE users CASCADE")]
    public async Task A_write_missed_by_its_trigger_shows_in_the_recount(string table, string trigger, string write)
    {
        await using var conn = await OpenAsync();
        await using var tx = await conn.BeginTransactionAsync(Ct);
        var domain = await TextAsync(conn, $"INSERT INTO domains (tenant_id, name) VALUES ('{Demo.AcmeTenant}', 'mine.test') RETURNING id::text");
        var user = await TextAsync(conn, $"""
            INSERT INTO users (tenant_id, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            VALUES ('{Demo.AcmeTenant}', true, false, false, true, 0) RETURNING id::text
            """);
        Assert.Equal("", await TextAsync(conn, KeptVersusRecount));
        await TextAsync(conn, $"DROP TRIGGER trg_tenant_counts_{trigger} ON {table}; SELECT ''");
        await TextAsync(conn, write.Replace("{acme}", Demo.AcmeTenant.ToString()).Replace("{globex}", Demo.GlobexTenant.ToString())
            .Replace("{domain}", domain).Replace("{user}", user) + "; SELECT ''");
        Assert.NotEqual("", await TextAsync(conn, KeptVersusRecount));
        await tx.RollbackAsync(Ct);
    }

    /// <summary>Asserts that the kept rows equal a recount and that the list (every sort and filter, a later page, the export) equals the old query.</summary>
    private async Task AssertSameAsync(string after)
    {
        await using var conn = await OpenAsync();
        Assert.True("" == await TextAsync(conn, KeptVersusRecount), $"kept counts differ from a recount after: {after}\n{await TextAsync(conn, KeptVersusRecount)}");
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var service = scope.ServiceProvider.GetRequiredService<TenantService>();
        foreach (var filter in Filters)
            foreach (var sort in Sorts)
                foreach (var descending in new[] { false, true })
                {
                    var q = filter with { SortBy = sort, Descending = descending };
                    var old = await OldRowsAsync(conn, q);
                    var label = $"after {after}: {q}";
                    var page = await service.ListAsync(q with { PageSize = 200 }, Ct);
                    Assert.Equal(Lines(label, old), Lines(label, page.Rows));
                    Assert.Equal(old.Count, page.Total);
                    var second = await service.ListAsync(q with { Page = 1, PageSize = 3 }, Ct);
                    Assert.Equal(Lines(label + " page 2 of 3", old.Skip(3).Take(3)), Lines(label + " page 2 of 3", second.Rows));
                    Assert.Equal(old.Count, second.Total);
                }
        var byDomains = new TenantListQuery(SortBy: nameof(TenantListRow.Domains), Descending: true);
        Assert.Equal(Lines("export", await OldRowsAsync(conn, byDomains)), Lines("export", await service.ExportAsync(byDomains, Ct)));
    }

    private static string Lines(string label, IEnumerable<TenantListRow> rows) => label + "\n" + string.Join("\n", rows);

    private static async Task<List<TenantListRow>> OldRowsAsync(NpgsqlConnection conn, TenantListQuery q)
    {
        await using var cmd = new NpgsqlCommand(OldQuery(q), conn);
        if (q.Search is not null) cmd.Parameters.AddWithValue("pattern", SqlLike.Containing(q.Search));
        if (q.Plan is not null) cmd.Parameters.AddWithValue("plan", q.Plan);
        if (q.Status is not null) cmd.Parameters.AddWithValue("status", q.Status);
        var rows = new List<TenantListRow>();
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            rows.Add(new TenantListRow
            {
                Id = reader.GetGuid(0), Name = reader.GetString(1), Slug = reader.GetString(2), Plan = reader.GetString(3),
                Status = reader.GetString(4), MonthlyRevenue = reader.GetDecimal(5), Users = reader.GetInt32(6), Domains = reader.GetInt32(7),
            });
        return rows;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        return conn;
    }

    private async Task ExecAsync(string sql)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct));
    }

    private static async Task<string> TextAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (string?)await cmd.ExecuteScalarAsync(Ct) ?? "";
    }
}
