using System.Globalization;
using InfraAdmin.Data;
using InfraAdmin.Data.Costs;
using InfraAdmin.Data.Migrations;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace InfraAdmin.Features.Costs;

/// <summary>
/// The cost allocation rule of docs/DESIGN.md ("Cost per tenant"), set-based: for every day of a range, each tenant's exact IP
/// part and VPS part, and the idle (unallocated) parts, written into <c>tenant_cost_daily</c> (and summed per month into
/// <c>tenant_cost_monthly</c> in the same transaction). Values keep 24 decimals (one division per share); rounding happens
/// once, when a month is shown.
/// <para>
/// Nothing is expanded day by day until the rows are written: each IP's existence is one interval, each domain's coverage
/// of an IP is a few merged intervals, and an IP's day figures (its domain count, its VPS's IP count, the month's days)
/// only change at a handful of days, so each IP splits into segments of equal days. A domain's share is then one piece per
/// segment it covers; the pieces become +/- events per tenant, and a running sum per tenant gives each day's exact sum
/// (additions of numerics are exact, so this is the very sum of the day's shares).
/// </para>
/// </summary>
public static class CostAllocationSql
{
    /// <summary>Serialises rebuilds (the job, the command and refreshes after changes) so DELETE + INSERT never race.</summary>
    private const long LockKey = 0x636f737473; // "costs"

    /// <summary>
    /// Temp tables (dropped at commit) for the days @from..@to (inclusive): <c>cost_vps</c> and <c>cost_ip</c> (the days each
    /// exists, as one interval), <c>cost_ivl</c> (the merged days each domain covers each IP) and <c>cost_seg</c> (each IP's
    /// runs of equal days, with one covered domain's share of that day, or the idle parts when it has no domain).
    /// </summary>
    public const string Prepare = """
        CREATE TEMP TABLE cost_vps ON COMMIT DROP AS   -- a VPS exists from its creation day; if decommissioned, to the day before its date
        SELECT * FROM (
            SELECT v.id AS vps_id, greatest((v.created AT TIME ZONE 'UTC')::date, @from) AS l,
                   CASE WHEN v.status = 'decommissioned'
                        THEN least(((v.decommission_scheduled_for AT TIME ZONE 'UTC') - interval '1 microsecond')::date, @to)
                        ELSE @to END AS u,
                   coalesce(v.approximate_cost, 0)::numeric(40,24) AS cost
            FROM vps_instances v
            WHERE v.created IS NOT NULL
              AND (v.status IS DISTINCT FROM 'decommissioned' OR v.decommission_scheduled_for IS NOT NULL)) x
        WHERE l <= u;

        CREATE TEMP TABLE cost_ip ON COMMIT DROP AS    -- an IP exists from its creation day while its VPS (if any) exists
        SELECT * FROM (
            SELECT i.id AS ip_id, i.vps_instance_id AS vps_id, greatest((i.created AT TIME ZONE 'UTC')::date, @from, v.l) AS l,
                   coalesce(v.u, @to) AS u, coalesce(i.approximate_cost, 0)::numeric(40,24) AS cost, coalesce(v.cost, 0) AS vps_cost
            FROM smtp_ip_addresses i
            LEFT JOIN cost_vps v ON v.vps_id = i.vps_instance_id
            WHERE i.created IS NOT NULL AND (i.vps_instance_id IS NULL OR v.vps_id IS NOT NULL)) x
        WHERE l <= u;
        ANALYZE cost_ip;

        CREATE TEMP TABLE cost_ivl ON COMMIT DROP AS   -- days a domain covers an existing IP: assigned < day end, expires null or > day start
        WITH a AS (
            SELECT a.smtp_ip_address_id AS ip_id, a.domain_id, dm.tenant_id,
                   greatest((a.assigned AT TIME ZONE 'UTC')::date, ip.l) AS d1,
                   least(((a.expires AT TIME ZONE 'UTC') - interval '1 microsecond')::date, ip.u) AS d2
            FROM domain_ip_assignments a
            JOIN domains dm ON dm.id = a.domain_id
            JOIN cost_ip ip ON ip.ip_id = a.smtp_ip_address_id
            WHERE a.assigned IS NOT NULL
              AND a.assigned < (@to + 1)::timestamp AT TIME ZONE 'UTC'
              AND (a.expires IS NULL OR a.expires > @from::timestamp AT TIME ZONE 'UTC')),
        b AS (              -- overlapping assignments of one domain to one IP count once: merge them
            SELECT a.*, max(d2) OVER (PARTITION BY ip_id, domain_id ORDER BY d1, d2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS seen
            FROM a WHERE d1 <= d2),
        c AS (
            SELECT b.*, sum(CASE WHEN seen IS NULL OR d1 > seen + 1 THEN 1 ELSE 0 END)
                        OVER (PARTITION BY ip_id, domain_id ORDER BY d1, d2 ROWS UNBOUNDED PRECEDING) AS island
            FROM b)
        SELECT ip_id, domain_id, tenant_id, min(d1) AS d1, max(d2) AS d2 FROM c GROUP BY ip_id, domain_id, tenant_id, island;
        ANALYZE cost_ivl;

        CREATE TEMP TABLE cost_seg ON COMMIT DROP AS   -- each IP's runs of days with the same domain count, IP count and month
        WITH ev AS (
            SELECT ip_id, l AS day, 0 AS dd, 0 AS di FROM cost_ip
            UNION ALL SELECT ip_id, u + 1, 0, 0 FROM cost_ip
            UNION ALL SELECT ip.ip_id, g.m::date, 0, 0 FROM cost_ip ip
                CROSS JOIN LATERAL generate_series(date_trunc('month', ip.l::timestamp) + interval '1 month', ip.u::timestamp, interval '1 month') AS g(m)
            UNION ALL SELECT ip_id, d1, 1, 0 FROM cost_ivl
            UNION ALL SELECT ip_id, d2 + 1, -1, 0 FROM cost_ivl
            -- every IP of the VPS counts from the day it exists (they all go with the VPS)
            UNION ALL SELECT i.ip_id, greatest(j.l, i.l), 0, 1 FROM cost_ip i JOIN cost_ip j ON j.vps_id = i.vps_id),
        grouped AS (SELECT ip_id, day, sum(dd) AS dd, sum(di) AS di FROM ev GROUP BY ip_id, day),
        runs AS (
            SELECT ip_id, day AS s, (lead(day) OVER w) - 1 AS e, (sum(dd) OVER w)::bigint AS n_dom, (sum(di) OVER w)::bigint AS n_ips,
                   row_number() OVER w AS seg_no
            FROM grouped WINDOW w AS (PARTITION BY ip_id ORDER BY day)),
        t AS (
            SELECT r.ip_id, r.seg_no, r.s, r.e, r.n_dom, ip.cost AS ip_cost, ip.vps_cost,
                   CASE WHEN ip.vps_id IS NULL THEN 1 ELSE r.n_ips END AS n_ips,
                   extract(day from date_trunc('month', r.s::timestamp) + interval '1 month - 1 day')::int AS dim
            FROM runs r JOIN cost_ip ip ON ip.ip_id = r.ip_id
            WHERE r.e IS NOT NULL),
        shares AS (
            SELECT ip_id, seg_no, s, e, n_dom,
                   CASE WHEN n_dom > 0 THEN ip_cost / (dim * n_dom) ELSE ip_cost / dim END AS ip_share,
                   CASE WHEN n_dom > 0 THEN vps_cost / (dim * n_ips * n_dom) ELSE vps_cost / (dim * n_ips) END AS vps_share
            FROM t)
        SELECT shares.*,    -- the change from the IP's previous run (runs of an IP follow each other without a gap)
               ip_share - lag(ip_share, 1, 0::numeric) OVER w AS ip_step, vps_share - lag(vps_share, 1, 0::numeric) OVER w AS vps_step
        FROM shares WINDOW w AS (PARTITION BY ip_id ORDER BY seg_no);
        ANALYZE cost_seg;
        """;

    /// <summary>The allocation for the days @from..@to (inclusive) from <see cref="Prepare"/>'s tables: one row per day and tenant plus one idle row per day.</summary>
    public const string Allocation = """
        WITH
        cover AS MATERIALIZED (   -- each domain's coverage of an IP, from its first run of equal days to its last
            SELECT i.tenant_id, i.ip_id, f.seg_no AS first_seg, l.seg_no AS last_seg, f.s AS first_day, l.e AS last_day,
                   f.ip_share AS first_ip, f.vps_share AS first_vps, l.ip_share AS last_ip, l.vps_share AS last_vps
            FROM cost_ivl i
            JOIN cost_seg f ON f.ip_id = i.ip_id AND f.s = i.d1
            JOIN cost_seg l ON l.ip_id = i.ip_id AND l.e = i.d2
        ),
        events AS (         -- a tenant's share of a day changes: +/- from that day on (n: covered domains starting/ending)
            -- a domain's coverage of an IP starts: its first run's share ...
            SELECT tenant_id, first_day AS day, first_ip AS ip, first_vps AS vps, 1 AS n FROM cover
            UNION ALL
            -- ... and ends: its last run's share is taken back after its last day
            SELECT tenant_id, last_day + 1, -last_ip, -last_vps, -1 FROM cover
            UNION ALL
            -- each later run of the IP within the coverage: the change of the share
            SELECT c.tenant_id, g.s, g.ip_step, g.vps_step, 0
            FROM cover c
            CROSS JOIN LATERAL generate_series(c.first_seg + 1, c.last_seg) AS k(seg_no)
            JOIN cost_seg g ON g.ip_id = c.ip_id AND g.seg_no = k.seg_no
            UNION ALL
            -- an IP's days with no domain: idle
            SELECT NULL::uuid, s, ip_share, vps_share, 1 FROM cost_seg WHERE n_dom = 0
            UNION ALL
            SELECT NULL, e + 1, -ip_share, -vps_share, -1 FROM cost_seg WHERE n_dom = 0
            UNION ALL
            -- a VPS's days with no IP (before its first IP exists, or all of them): idle, month by month
            SELECT NULL, x.day, 0, x.sign * x.share, x.sign FROM (
                SELECT v.cost / extract(day from g.m + interval '1 month - 1 day')::int AS share,
                       greatest(g.m::date, v.l) AS p1, least((g.m + interval '1 month - 1 day')::date, v.last) AS p2
                FROM (SELECT v.vps_id, v.l, v.cost, coalesce(f.first - 1, v.u) AS last
                      FROM cost_vps v LEFT JOIN (SELECT vps_id, min(l) AS first FROM cost_ip GROUP BY vps_id) f ON f.vps_id = v.vps_id) v
                CROSS JOIN LATERAL generate_series(date_trunc('month', v.l::timestamp), v.last::timestamp, interval '1 month') AS g(m)
                WHERE v.last >= v.l) p
            CROSS JOIN LATERAL (VALUES (p.p1, 1, p.share), (p.p2 + 1, -1, p.share)) AS x(day, sign, share)
            UNION ALL
            -- one idle row for every day, so each kept day is visible even when nothing cost anything
            SELECT NULL, @from, 0, 0, 1
            UNION ALL
            SELECT NULL, @to + 1, 0, 0, -1
        ),
        grouped AS (
            SELECT tenant_id, day, sum(ip) AS ip, sum(vps) AS vps, sum(n) AS n FROM events GROUP BY tenant_id, day
        ),
        runs AS (           -- a tenant's exact day figures from one event to the next
            SELECT tenant_id, day, lead(day) OVER w AS next, sum(ip) OVER w AS ip, sum(vps) OVER w AS vps, sum(n) OVER w AS n
            FROM grouped WINDOW w AS (PARTITION BY tenant_id ORDER BY day)
        )
        SELECT g.d::date AS day, r.tenant_id, r.ip AS ip_cost, r.vps AS vps_cost
        FROM runs r
        CROSS JOIN LATERAL generate_series(r.day::timestamp, (r.next - 1)::timestamp, interval '1 day') AS g(d)
        WHERE r.n > 0
        """;


    /// <summary>
    /// Writes the kept rows of the days <paramref name="from"/>..<paramref name="to"/> as the allocation gives them, in one
    /// transaction: only rows whose figures changed are updated, new ones inserted, gone ones deleted (so a rebuild of data
    /// that barely changed writes little), and the months touched are re-summed. Returns the rows of the range.
    /// </summary>
    public static async Task<int> RebuildAsync(InfraAdminDbContext db, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from) return 0;
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        return await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockKey], ct);
            // The sorts and hashes of a 13-month rebuild fit in memory; spilling them to disk costs minutes at scale.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '512MB'", ct);
            await db.Database.ExecuteSqlRawAsync(WithDays(Prepare, from, to), ct);
            await db.Database.ExecuteSqlRawAsync(WithDays("CREATE TEMP TABLE cost_new ON COMMIT DROP AS\n" + Allocation, from, to), ct);
            var rows = await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM cost_new").SingleAsync(ct);
            await db.Database.ExecuteSqlRawAsync(WithDays(Write, from, to), ct);
            await db.Database.ExecuteSqlRawAsync(MonthlyCostRollUp.Sql("@from", "@to"), Parameters(from, to), ct);
            // One announcement per rebuild for both roll-up tables (no trigger on them: a rebuild is one refresh of a page).
            await db.Database.ExecuteSqlRawAsync("SELECT pg_notify({0}, {1})",
                [LiveChangeTriggers.Channel, new DataChange(LiveTables.CostRollup).ToPayload()], ct);
            return rows;
        }, ct);
    }

    /// <summary>
    /// From <c>cost_new</c> (the allocation of @from..@to) to <c>tenant_cost_daily</c>, touching only rows that differ.
    /// Rows are matched on (day, tenant or the zero id for idle), so the joins hash.
    /// </summary>
    public const string Write = """
        CREATE TEMP TABLE cost_diff ON COMMIT DROP AS
        SELECT coalesce(n.day, o.day) AS day, coalesce(n.tenant_id, o.tenant_id) AS tenant_id, n.ip_cost, n.vps_cost,
               o.day IS NULL AS added, n.day IS NULL AS gone
        FROM cost_new n
        FULL JOIN (SELECT * FROM tenant_cost_daily WHERE day BETWEEN @from AND @to) o
          ON o.day = n.day AND coalesce(o.tenant_id, '00000000-0000-0000-0000-000000000000') = coalesce(n.tenant_id, '00000000-0000-0000-0000-000000000000')
        WHERE o.day IS NULL OR n.day IS NULL OR o.ip_cost <> n.ip_cost OR o.vps_cost <> n.vps_cost;
        ANALYZE cost_diff;

        DELETE FROM tenant_cost_daily d USING cost_diff x WHERE x.gone AND x.tenant_id IS NOT NULL AND d.day = x.day AND d.tenant_id = x.tenant_id;
        DELETE FROM tenant_cost_daily d USING cost_diff x WHERE x.gone AND x.tenant_id IS NULL AND d.day = x.day AND d.tenant_id IS NULL;
        UPDATE tenant_cost_daily d SET ip_cost = x.ip_cost, vps_cost = x.vps_cost FROM cost_diff x
        WHERE NOT x.added AND NOT x.gone AND x.tenant_id IS NOT NULL AND d.day = x.day AND d.tenant_id = x.tenant_id;
        UPDATE tenant_cost_daily d SET ip_cost = x.ip_cost, vps_cost = x.vps_cost FROM cost_diff x
        WHERE NOT x.added AND NOT x.gone AND x.tenant_id IS NULL AND d.day = x.day AND d.tenant_id IS NULL;
        INSERT INTO tenant_cost_daily (day, tenant_id, ip_cost, vps_cost) SELECT day, tenant_id, ip_cost, vps_cost FROM cost_diff WHERE added;
        """;

    /// <summary>
    /// SQL of this class with its days written in as date literals: utility statements (CREATE TABLE AS) take no bind
    /// parameters. A <see cref="DateOnly"/> formats to digits and dashes only.
    /// </summary>
    public static string WithDays(string sql, DateOnly from, DateOnly to) =>
        sql.Replace("@from", Literal(from)).Replace("@to", Literal(to));

    private static string Literal(DateOnly day) => $"DATE '{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";

    private static NpgsqlParameter[] Parameters(DateOnly from, DateOnly to) =>
    [
        new("from", NpgsqlDbType.Date) { Value = from },
        new("to", NpgsqlDbType.Date) { Value = to },
    ];
}
