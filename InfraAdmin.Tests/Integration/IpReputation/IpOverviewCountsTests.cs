using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Migrations;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Integration.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>
/// The overview's per-VPS counts kept by triggers (<see cref="IpOverviewCounts"/>) after every kind of write to the IPs
/// (the app's actions, a check by hand, direct SQL moving, burning, listing, clearing and deleting IPs and VPS): the kept
/// rows equal a recount from the IPs and their listing rows, and the overview equals what the query it replaced computed
/// by reading every IP.
/// </summary>
public sealed class IpOverviewCountsTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The kept rows against a recount from the IPs (listed: the IP has listing rows): the differing rows, one a line ('' when none).</summary>
    internal static readonly string KeptVersusRecount = $"""
        WITH recount AS (
            SELECT coalesce(i.vps_instance_id, '{IpOverviewCounts.NoVps}') AS vps_key, count(*)::int AS total,
                   count(*) FILTER (WHERE i.status <> 'burned' AND (i.status IN ('degraded', 'quarantined') OR i.reputation_state IN ('poor', 'critical')))::int,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM smtp_ip_listings l WHERE l.smtp_ip_address_id = i.id))::int,
                   {string.Join(", ", IpStatus.All.Select(s => $"count(*) FILTER (WHERE i.status = '{s}')::int"))},
                   {string.Join(", ", ReputationState.All.Select(s => $"count(*) FILTER (WHERE i.reputation_state = '{s}')::int"))}
            FROM smtp_ip_addresses i GROUP BY 1),
        kept AS (SELECT * FROM {IpOverviewCounts.Table}),
        diff AS ((SELECT 'kept' AS side, * FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) a)
                 UNION ALL (SELECT 'recount', * FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) b))
        SELECT coalesce(string_agg(diff::text, E'\n' ORDER BY diff::text), '') FROM diff
        """;

    /// <summary>The query the overview used before the kept counts (every IP read, grouped per VPS), without its limit.</summary>
    private const string OldQuery = """
        SELECT v.region AS region, p.vps_id AS vps_id, v.hostwinds_instance_id AS vps_name,
               p.total, p.in_trouble, p.listed, p.stale, p.recently_bad
        FROM (
            SELECT i.vps_instance_id AS vps_id, count(*)::int AS total,
                   count(*) FILTER (WHERE i.status <> 'burned' AND (i.status IN ('degraded', 'quarantined') OR i.reputation_state IN ('poor', 'critical')))::int AS in_trouble,
                   count(l.id)::int AS listed,
                   count(*) FILTER (WHERE i.status IS DISTINCT FROM 'burned'
                                    AND (i.last_reputation_check IS NULL OR i.last_reputation_check < @stale_before))::int AS stale,
                   count(b.id)::int AS recently_bad
            FROM smtp_ip_addresses i
            LEFT JOIN (SELECT DISTINCT smtp_ip_address_id AS id FROM smtp_ip_listings) l ON l.id = i.id
            LEFT JOIN (SELECT DISTINCT smtp_ip_address_id AS id FROM smtp_ip_history
                       WHERE kind = 'status' AND to_status IN ('degraded', 'burned') AND changed >= @since) b ON b.id = i.id
            GROUP BY i.vps_instance_id) p
        LEFT JOIN vps_instances v ON v.id = p.vps_id
        ORDER BY p.in_trouble DESC, p.listed DESC, p.stale DESC, v.region, v.hostwinds_instance_id
        """;

    [Fact]
    public async Task The_overview_equals_the_old_query_after_mixed_writes()
    {
        // Twelve VPS tying on in trouble (7) and listed (0) above the demo's: the top ten among them are decided by their
        // stale IPs (VPS k has k of its 7 IPs stale), which the kept counts leave to the live read.
        var tied = new List<VpsInstance>();
        var ips = new List<SmtpIpAddress>();
        await using (var db = Db.CreateContext())
        {
            for (var k = 0; k < 12; k++)
            {
                var vps = await VpsTestData.AddVpsAsync(db);
                tied.Add(vps);
                for (var n = 0; n < 7; n++)
                    ips.Add(await IpTestData.NewIpAsync(Db, IpStatus.Degraded, ReputationState.Poor, vps.Id,
                        lastCheck: n < k ? DateTime.UtcNow.AddDays(-3) : DateTime.UtcNow.AddHours(-1)));
            }
        }
        var old = await AssertSameAsync("twelve VPS of IPs in trouble");
        Assert.All(old.Take(IpOverview.TopVps), v => Assert.Equal((7, 0), (v.InTrouble, v.Listed)));
        Assert.True(old.Count(v => v.InTrouble == 7) > IpOverview.TopVps, "VPS tie with the last one shown on in trouble and listed");
        Assert.Equal([7, 7, 7, 7, 7, 6, 5, 4, 3, 2], old.Take(IpOverview.TopVps).Select(v => v.Stale));

        // An IP without a VPS, listed, inserted by SQL.
        await ExecAsync("""
            INSERT INTO smtp_ip_addresses (vps_instance_id, ip_address, status, reputation_state, provider_blacklist_status)
            VALUES (NULL, '198.51.100.7', 'quarantined', 'critical', '{"spamhaus": {"listed": true}}')
            """);
        await AssertSameAsync("an IP without a VPS");

        // The app's actions: burn an IP (it leaves "in trouble"), a check by hand lists it and then clears it.
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
            await service.ChangeStatusAsync(ips[80].Id, IpStatus.Burned, "burned in a test", null, Ct);
            await AssertSameAsync("burned by the app");
            var checks = scope.ServiceProvider.GetRequiredService<IpCheckService>();
            await checks.RecordAsync(ips[75].Id, "Spamhaus", true, "SBL1", ReputationState.Critical, Ct);
            await checks.RecordAsync(ips[76].Id, "Barracuda", true, null, null, Ct);
            await AssertSameAsync("listed by checks");
            await checks.RecordAsync(ips[75].Id, "Spamhaus", false, null, ReputationState.Good, Ct);
            await AssertSameAsync("cleared by a check");
        }

        // Direct SQL: one IP moved to another VPS, several swapped between two VPS in one statement, one moved off any VPS.
        await ExecAsync($"UPDATE smtp_ip_addresses SET vps_instance_id = '{tied[0].Id}' WHERE id = '{ips[83].Id}'");
        await ExecAsync($"""
            UPDATE smtp_ip_addresses SET vps_instance_id = CASE WHEN vps_instance_id = '{tied[1].Id}' THEN '{tied[2].Id}'::uuid ELSE '{tied[1].Id}'::uuid END
            WHERE id IN ('{ips[7].Id}', '{ips[8].Id}', '{ips[14].Id}')
            """);
        await ExecAsync($"UPDATE smtp_ip_addresses SET vps_instance_id = NULL WHERE id = '{ips[20].Id}'");
        await AssertSameAsync("moved between VPS");

        // Direct SQL: burn, list and clear through the JSON, a status and a VPS in one statement, a change nothing counts.
        await ExecAsync($"UPDATE smtp_ip_addresses SET status = 'burned' WHERE id = '{ips[30].Id}'");
        const string listed = """{"sorbs": {"listed": true}, "x": 1}""", cleared = """{"sorbs": {"listed": false}}""";
        await ExecAsync($"UPDATE smtp_ip_addresses SET provider_blacklist_status = '{listed}' WHERE vps_instance_id = '{tied[3].Id}'");
        await ExecAsync($"UPDATE smtp_ip_addresses SET provider_blacklist_status = '{cleared}' WHERE id = '{ips[22].Id}'");
        await ExecAsync($"UPDATE smtp_ip_addresses SET status = 'available', reputation_state = 'good', vps_instance_id = '{tied[6].Id}' WHERE id = '{ips[40].Id}'");
        await ExecAsync("UPDATE smtp_ip_addresses SET last_reputation_check = last_reputation_check");
        await AssertSameAsync("burned, listed and cleared by SQL");

        // Deletes: one IP, and a VPS with its IPs (the cascade).
        await ExecAsync($"DELETE FROM smtp_ip_addresses WHERE id = '{ips[50].Id}'");
        await ExecAsync($"DELETE FROM vps_instances WHERE id = '{tied[11].Id}'");
        await AssertSameAsync("deleted");
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM {IpOverviewCounts.Table} WHERE vps_key = '{tied[11].Id}'"));
    }

    [Fact]
    public async Task Truncating_the_ips_empties_the_kept_counts_and_the_migration_fill_equals_the_trigger()
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var tx = await conn.BeginTransactionAsync(Ct);
        var kept = await TextAsync(conn, $"SELECT string_agg(k::text, ',' ORDER BY k::text) FROM {IpOverviewCounts.Table} k");
        Assert.NotEqual("", kept);
        // The migration's (and a repair's) fill from every IP gives the rows the triggers kept.
        await TextAsync(conn, IpOverviewCounts.Refill + "SELECT ''");
        Assert.Equal(kept, await TextAsync(conn, $"SELECT string_agg(k::text, ',' ORDER BY k::text) FROM {IpOverviewCounts.Table} k"));
        await TextAsync(conn, "TRUNCATE smtp_ip_addresses CASCADE; SELECT ''");
        Assert.Equal("0", await TextAsync(conn, $"SELECT count(*)::text FROM {IpOverviewCounts.Table}"));
        await tx.RollbackAsync(Ct);
    }

    /// <summary>
    /// Asserts that the kept rows equal a recount and that the overview equals the old query's figures; returns the old
    /// query's VPS, in its order.
    /// </summary>
    private async Task<List<IpBreakdown>> AssertSameAsync(string after)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        Assert.True("" == await TextAsync(conn, KeptVersusRecount), $"kept counts differ from a recount after: {after}\n{await TextAsync(conn, KeptVersusRecount)}");

        IpOverview overview;
        await using (var scope = await App.ScopeAsAsync(Demo.Exec))
            overview = await scope.ServiceProvider.GetRequiredService<IpReputationService>().OverviewAsync(Ct);
        var now = DateTime.UtcNow;
        var vps = new List<IpBreakdown>();
        await using (var cmd = new NpgsqlCommand(OldQuery, conn))
        {
            cmd.Parameters.AddWithValue("stale_before", now.AddHours(-overview.StaleHours));
            cmd.Parameters.AddWithValue("since", now.AddDays(-IpOverview.RecentDays));
            await using var reader = await cmd.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
                vps.Add(new IpBreakdown(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                    reader.GetInt32(6), reader.GetInt32(7)));
        }
        Assert.Equal((vps.Sum(v => v.Total), vps.Sum(v => v.InTrouble), vps.Sum(v => v.Listed), vps.Sum(v => v.Stale), vps.Sum(v => v.RecentlyBad), vps.Count),
            (overview.Total, overview.InTrouble, overview.Listed, overview.Stale, overview.RecentlyBad, overview.VpsCount));
        Assert.Equal(vps.Take(IpOverview.TopVps), overview.ByVps);
        Assert.Equal(await CountsAsync(conn, "SELECT status, count(*)::int FROM smtp_ip_addresses GROUP BY 1", IpStatus.All), overview.ByStatus);
        Assert.Equal(await CountsAsync(conn, "SELECT reputation_state, count(*)::int FROM smtp_ip_addresses GROUP BY 1", ReputationState.All), overview.ByReputation);
        Assert.Equal(await CountsAsync(conn, "SELECT provider, count(*)::int FROM smtp_ip_listings GROUP BY 1 ORDER BY 1", null), overview.ListedByProvider);
        return vps;
    }

    /// <summary>(key, count) rows; with <paramref name="keys"/>, every key in that order (0 when absent) and no other.</summary>
    private static async Task<List<CountBy>> CountsAsync(NpgsqlConnection conn, string sql, IReadOnlyList<string>? keys)
    {
        var rows = new List<CountBy>();
        await using (var cmd = new NpgsqlCommand(sql, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct))
                if (!reader.IsDBNull(0)) rows.Add(new CountBy(reader.GetString(0), reader.GetInt32(1)));
        return keys is null ? rows : keys.Select(k => new CountBy(k, rows.FirstOrDefault(r => r.Key == k)?.Count ?? 0)).ToList();
    }

    private async Task ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct));
    }

    private static async Task<string> TextAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (string?)await cmd.ExecuteScalarAsync(Ct) ?? "";
    }
}
