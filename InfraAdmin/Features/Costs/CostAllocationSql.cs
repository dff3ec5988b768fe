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
/// only change at a handful of days (its change days). A covered domain's share is one division per distinct figures
/// (a few thousand divisions, not one per run of days); each change day inside a coverage becomes a +/- event for the
/// domain's tenant, and a running sum per tenant gives each day's exact sum (additions of numerics are exact, so this is
/// the very sum of the day's shares).
/// </para>
/// <para>
/// Measured at 10,000 tenants (25 months, 3.5 million rows): the statements are planned for this batch, not for the
/// pages: hash joins instead of merge joins (whose sorts of millions of rows cost more than the joins), and the events
/// grouped by one sort that the running sum reuses (a hash of 2.4 million groups of numeric sums spilled to disk).
/// </para>
/// </summary>
public static class CostAllocationSql
{
    /// <summary>Serialises rebuilds (the job, the command and refreshes after changes) so DELETE + INSERT never race.</summary>
    private const long LockKey = 0x636f737473; // "costs"

    /// <summary>
    /// Temp tables (dropped at commit) for the days @from..@to (inclusive): <c>cost_vps</c> and <c>cost_ip</c> (the days each
    /// exists, as one interval; IPs numbered, and their pair of costs numbered), <c>cost_ivl</c> (the merged days each domain
    /// covers each IP), <c>cost_run</c> (each IP's change days with its figures from then on and before),
    /// <c>cost_share</c> (one covered domain's share for each distinct figures) and <c>cost_seg</c> (each change day with the
    /// share from then on, the share before it and the step between them; on the day after the IP's last, the share is 0).
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
        SELECT row_number() OVER ()::int AS ip_no, x.*, dense_rank() OVER (ORDER BY cost, vps_cost)::int AS cost_no FROM (
            SELECT i.id AS ip_id, i.vps_instance_id AS vps_id, greatest((i.created AT TIME ZONE 'UTC')::date, @from, v.l) AS l,
                   coalesce(v.u, @to) AS u, coalesce(i.approximate_cost, 0)::numeric(40,24) AS cost, coalesce(v.cost, 0) AS vps_cost
            FROM smtp_ip_addresses i
            LEFT JOIN cost_vps v ON v.vps_id = i.vps_instance_id
            WHERE i.created IS NOT NULL AND (i.vps_instance_id IS NULL OR v.vps_id IS NOT NULL)) x
        WHERE l <= u;
        ANALYZE cost_ip;

        CREATE TEMP TABLE cost_ivl ON COMMIT DROP AS   -- days a domain covers an existing IP: assigned < day end, expires null or > day start
        WITH a AS (
            SELECT ip.ip_no, a.domain_id, dm.tenant_id,
                   greatest((a.assigned AT TIME ZONE 'UTC')::date, ip.l) AS d1,
                   least(((a.expires AT TIME ZONE 'UTC') - interval '1 microsecond')::date, ip.u) AS d2
            FROM domain_ip_assignments a
            JOIN domains dm ON dm.id = a.domain_id
            JOIN cost_ip ip ON ip.ip_id = a.smtp_ip_address_id
            WHERE a.assigned IS NOT NULL
              AND a.assigned < (@to + 1)::timestamp AT TIME ZONE 'UTC'
              AND (a.expires IS NULL OR a.expires > @from::timestamp AT TIME ZONE 'UTC')),
        b AS (              -- overlapping assignments of one domain to one IP count once: merge them
            SELECT a.*, max(d2) OVER (PARTITION BY ip_no, domain_id ORDER BY d1, d2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS seen
            FROM a WHERE d1 <= d2),
        c AS (
            SELECT b.*, sum(CASE WHEN seen IS NULL OR d1 > seen + 1 THEN 1 ELSE 0 END)
                        OVER (PARTITION BY ip_no, domain_id ORDER BY d1, d2 ROWS UNBOUNDED PRECEDING) AS island
            FROM b)
        SELECT ip_no, tenant_id, min(d1) AS d1, max(d2) AS d2 FROM c GROUP BY ip_no, domain_id, tenant_id, island;
        ANALYZE cost_ivl;

        CREATE TEMP TABLE cost_run ON COMMIT DROP AS   -- each day an IP's figures may change (domains, IPs on its VPS, month), and the figures before it
        WITH ev AS (
            SELECT ip_no, l AS day, 0 AS dd, 0 AS di FROM cost_ip
            UNION ALL SELECT ip_no, u + 1, 0, 0 FROM cost_ip
            UNION ALL SELECT ip.ip_no, g.m::date, 0, 0 FROM cost_ip ip
                CROSS JOIN LATERAL generate_series(date_trunc('month', ip.l::timestamp) + interval '1 month', ip.u::timestamp, interval '1 month') AS g(m)
            UNION ALL SELECT ip_no, d1, 1, 0 FROM cost_ivl
            UNION ALL SELECT ip_no, d2 + 1, -1, 0 FROM cost_ivl
            -- every IP of the VPS counts from the day it exists (they all go with the VPS)
            UNION ALL SELECT i.ip_no, greatest(j.l, i.l), 0, 1 FROM cost_ip i JOIN cost_ip j ON j.vps_id = i.vps_id),
        grouped AS (SELECT ip_no, day, sum(dd)::int AS dd, sum(di)::int AS di FROM ev GROUP BY ip_no, day),
        runs AS (           -- the figures from this day on, and (from the day's own change) those of the run before it
            SELECT ip_no, day AS g, lag(day) OVER w AS p_g, (sum(dd) OVER w)::int AS n_dom, (sum(di) OVER w)::int AS n_ips, dd, di
            FROM grouped WINDOW w AS (PARTITION BY ip_no ORDER BY day))
        SELECT r.ip_no, r.g, ip.cost_no,
               CASE WHEN r.g <= ip.u THEN (date_trunc('month', r.g::timestamp) + interval '1 month')::date - date_trunc('month', r.g::timestamp)::date END AS dim,
               r.n_dom, CASE WHEN ip.vps_id IS NULL THEN 1 ELSE r.n_ips END AS n_ips,
               (date_trunc('month', r.p_g::timestamp) + interval '1 month')::date - date_trunc('month', r.p_g::timestamp)::date AS p_dim,
               r.n_dom - r.dd AS p_dom, CASE WHEN ip.vps_id IS NULL THEN 1 ELSE r.n_ips - r.di END AS p_ips
        FROM runs r JOIN cost_ip ip ON ip.ip_no = r.ip_no;

        CREATE TEMP TABLE cost_share ON COMMIT DROP AS -- one division per distinct (costs, days in month, IPs, domains)
        SELECT k.*, c.cost / (k.dim * greatest(k.n_dom, 1)) AS ip_share, c.vps_cost / (k.dim * k.n_ips * greatest(k.n_dom, 1)) AS vps_share
        FROM (SELECT cost_no, dim, n_dom, n_ips FROM cost_run WHERE dim IS NOT NULL
              UNION SELECT cost_no, p_dim, p_dom, p_ips FROM cost_run WHERE p_dim IS NOT NULL) k
        JOIN (SELECT DISTINCT cost_no, cost, vps_cost FROM cost_ip) c ON c.cost_no = k.cost_no;
        ANALYZE cost_share;

        CREATE TEMP TABLE cost_seg ON COMMIT DROP AS   -- each IP's change days: the share of one covered domain from then on, and its step
        SELECT r.ip_no, r.g, r.n_dom, r.p_dom,
               coalesce(s.ip_share, 0) AS ip_share, coalesce(s.vps_share, 0) AS vps_share,
               coalesce(p.ip_share, 0) AS ip_prev, coalesce(p.vps_share, 0) AS vps_prev,
               coalesce(s.ip_share, 0) - coalesce(p.ip_share, 0) AS ip_step, coalesce(s.vps_share, 0) - coalesce(p.vps_share, 0) AS vps_step
        FROM cost_run r
        LEFT JOIN cost_share s ON s.cost_no = r.cost_no AND s.dim = r.dim AND s.n_dom = r.n_dom AND s.n_ips = r.n_ips
        LEFT JOIN cost_share p ON p.cost_no = r.cost_no AND p.dim = r.p_dim AND p.n_dom = r.p_dom AND p.n_ips = r.p_ips;
        ANALYZE cost_seg;
        """;

    /// <summary>The allocation for the days @from..@to (inclusive) from <see cref="Prepare"/>'s tables: one row per day and tenant plus one idle row per day.</summary>
    public const string Allocation = """
        WITH
        events AS (         -- a tenant's share of a day changes: +/- from that day on (n: covered domains starting/ending)
            -- each change day of the IP while a domain covers it: its first day adds the share, each later change day the step,
            -- and the day after its last takes the share back
            SELECT c.tenant_id, b.g AS day,
                   CASE WHEN b.g = c.d1 THEN b.ip_share WHEN b.g > c.d2 THEN -b.ip_prev ELSE b.ip_step END AS ip,
                   CASE WHEN b.g = c.d1 THEN b.vps_share WHEN b.g > c.d2 THEN -b.vps_prev ELSE b.vps_step END AS vps,
                   CASE WHEN b.g = c.d1 THEN 1 WHEN b.g > c.d2 THEN -1 ELSE 0 END AS n
            FROM cost_ivl c JOIN cost_seg b ON b.ip_no = c.ip_no AND b.g BETWEEN c.d1 AND c.d2 + 1
            UNION ALL
            -- an IP's days with no domain: idle
            SELECT NULL::uuid, g, CASE WHEN n_dom = 0 THEN ip_share ELSE 0 END - CASE WHEN p_dom = 0 THEN ip_prev ELSE 0 END,
                   CASE WHEN n_dom = 0 THEN vps_share ELSE 0 END - CASE WHEN p_dom = 0 THEN vps_prev ELSE 0 END, 0
            FROM cost_seg WHERE n_dom = 0 OR p_dom = 0
            UNION ALL
            -- a VPS's days with no IP (before its first IP exists, or all of them): idle, month by month
            SELECT NULL, x.day, 0, x.sign * x.share, 0 FROM (
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
        SELECT r.day + k AS day, r.tenant_id, r.ip AS ip_cost, r.vps AS vps_cost
        FROM runs r
        CROSS JOIN LATERAL generate_series(0, r.next - r.day - 1) AS k
        WHERE r.n > 0
        """;


    /// <summary>
    /// Writes the kept rows of the days <paramref name="from"/>..<paramref name="to"/> as the allocation gives them, in one
    /// transaction: only rows whose figures changed are updated, new ones inserted, gone ones deleted (so a rebuild of data
    /// that barely changed writes little), and the months touched are re-summed. Returns the rows of the range.
    /// <para>
    /// With a <paramref name="helper"/> context, a range of <see cref="MinDaysToSplit"/> days or more is allocated in two
    /// parts at the same time (<see cref="SplitDay"/>): PostgreSQL reads temp tables in one backend only, so the later days
    /// are allocated on the helper's connection while this one allocates the earlier days. A day's figures depend on that day
    /// alone, so the two parts give the very rows of one allocation of the whole range.
    /// </para>
    /// </summary>
    public static async Task<int> RebuildAsync(InfraAdminDbContext db, InfraAdminDbContext? helper, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from) return 0;
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        return await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockKey], ct);
            if (helper is not null && await SplitDayAsync(db, from, to, ct) is { } later)
                await AllocateInTwoAsync(db, helper, from, later, to, ct);
            else
                await AllocateAsync(db, "CREATE TEMP TABLE cost_new ON COMMIT DROP AS", from, to, ct);
            var rows = await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM cost_new").SingleAsync(ct);
            // Kept rows, counted no further than the tenth of the new ones that decides (a bounded read at any size).
            var kept = await db.Database.SqlQueryRaw<long>(
                "SELECT count(*) AS \"Value\" FROM (SELECT 1 FROM tenant_cost_daily LIMIT {0}) k", rows / RefillRatio + 1).SingleAsync(ct);
            var anew = WritesAnew(kept, rows);
            await db.Database.ExecuteSqlRawAsync(anew ? WithDays(Refill, from, to) : WithDays(Write, from, to), ct);
            await db.Database.ExecuteSqlRawAsync(MonthlyCostRollUp.Sql("@from", "@to"), Parameters(from, to), ct);
            if (anew) await db.Database.ExecuteSqlRawAsync(BulkLoad.Restore, ct);
            // One announcement per rebuild for both roll-up tables (no trigger on them: a rebuild is one refresh of a page).
            await db.Database.ExecuteSqlRawAsync("SELECT pg_notify({0}, {1})",
                [LiveChangeTriggers.Channel, new DataChange(LiveTables.CostRollup).ToPayload()], ct);
            return rows;
        }, ct);
    }

    /// <summary>A range is split in two from this many days on (a month of daily recomputes stays on one connection).</summary>
    public const int MinDaysToSplit = 28;

    /// <summary>
    /// The day by which half of the range's coverage (the days domains cover IPs, which the allocation's work follows) has
    /// passed, estimated from 1% of the assignments' pages; null when the sample covers no day of it (a small table). Data
    /// sets are rarely even over time (the generated one is empty in its first year), so the middle day would leave one
    /// connection most of the work. The day only balances the work (any day gives the same rows): a sample does, at
    /// 10 million assignments, in 0.2 s what reading them all does in 6.
    /// </summary>
    public const string HalfCovered = """
        WITH a AS (
            SELECT greatest((assigned AT TIME ZONE 'UTC')::date, @from) AS d1,
                   least(((expires AT TIME ZONE 'UTC') - interval '1 microsecond')::date, @to) AS d2
            FROM domain_ip_assignments TABLESAMPLE SYSTEM (1) REPEATABLE (0)
            WHERE assigned IS NOT NULL AND assigned < (@to + 1)::timestamp AT TIME ZONE 'UTC'
              AND (expires IS NULL OR expires > @from::timestamp AT TIME ZONE 'UTC')),
        changes AS (        -- how many more (or fewer) assignments cover each day than the day before
            SELECT day, sum(n) AS n FROM (SELECT d1 AS day, 1 AS n FROM a WHERE d1 <= d2 UNION ALL SELECT d2 + 1, -1 FROM a WHERE d1 <= d2) x
            GROUP BY day),
        covered AS (
            SELECT g.day, sum(coalesce(c.n, 0)) OVER (ORDER BY g.day) AS n
            FROM generate_series(@from, @to, interval '1 day') AS g(day) LEFT JOIN changes c ON c.day = g.day::date),
        upto AS (SELECT day, sum(n) OVER (ORDER BY day) AS n, sum(n) OVER () AS total FROM covered)
        SELECT min(day)::date AS "Value" FROM upto WHERE total > 0 AND n * 2 >= total
        """;

    /// <summary>
    /// The first day of the later part of a split range: the day after <paramref name="halfCovered"/> (see
    /// <see cref="HalfCovered"/>; the middle day when null), kept inside the range; null when the range stays whole.
    /// </summary>
    public static DateOnly? SplitDay(DateOnly from, DateOnly to, DateOnly? halfCovered)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        if (days < MinDaysToSplit) return null;
        var later = (halfCovered ?? from.AddDays(days / 2 - 1)).AddDays(1);
        return later <= from ? from.AddDays(1) : later > to ? to : later;
    }

    private static async Task<DateOnly?> SplitDayAsync(InfraAdminDbContext db, DateOnly from, DateOnly to, CancellationToken ct) =>
        SplitDay(from, to, SplitDay(from, to, null) is null ? null
            : await db.Database.SqlQueryRaw<DateOnly?>(WithDays(HalfCovered, from, to)).SingleAsync(ct));

    /// <summary>
    /// The allocation of @from..@to (inclusive) on the given context's connection, in its open transaction: the prepared
    /// temp tables (<see cref="Prepare"/>), then the allocation into the table <paramref name="create"/> makes. The
    /// transaction keeps the large <c>work_mem</c> and the hash joins for the writes that follow.
    /// </summary>
    private static async Task AllocateAsync(InfraAdminDbContext db, string create, DateOnly from, DateOnly to, CancellationToken ct)
    {
        // The sorts of a 25-month rebuild (6 million events) fit in memory; spilling them to disk costs far more. Merge
        // joins would sort millions of rows that hash joins take as they come.
        await db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '1GB'; SET LOCAL enable_mergejoin = off", ct);
        await db.Database.ExecuteSqlRawAsync(WithDays(Prepare, from, to), ct);
        // Grouping the events by a sort (not a hash) hands the running sum its order: one sort instead of two.
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_hashagg = off", ct);
        await db.Database.ExecuteSqlRawAsync(WithDays(create + "\n" + Allocation, from, to), ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_hashagg = on", ct);
    }

    /// <summary>
    /// <c>cost_new</c> of @from..@to in two parts at once: @later..@to on the helper's connection, in its own transaction,
    /// into <c>cost_new_later</c> (an unlogged table, so this connection can read it once the helper commits), while this
    /// connection allocates @from..@later - 1 into <c>cost_new</c>; then the later rows join the earlier ones and the helper's
    /// table is dropped with this transaction. A rebuild holds the advisory lock the whole time, so one name serves; a
    /// table left by a rebuild that failed after its helper committed is dropped by the next helper.
    /// </summary>
    private static async Task AllocateInTwoAsync(InfraAdminDbContext db, InfraAdminDbContext helper, DateOnly from, DateOnly later, DateOnly to, CancellationToken ct)
    {
        helper.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var laterPart = helper.InTransactionAsync(async () =>
        {
            await helper.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS cost_new_later", stop.Token);
            await AllocateAsync(helper, "CREATE UNLOGGED TABLE cost_new_later AS", later, to, stop.Token);
        }, stop.Token);
        try
        {
            await AllocateAsync(db, "CREATE TEMP TABLE cost_new ON COMMIT DROP AS", from, later.AddDays(-1), ct);
        }
        catch
        {
            await stop.CancelAsync();
            try { await laterPart; } catch (OperationCanceledException) { } catch (NpgsqlException) { } // the first failure is the one to report
            throw;
        }
        await laterPart;
        await db.Database.ExecuteSqlRawAsync("INSERT INTO cost_new SELECT * FROM cost_new_later; DROP TABLE cost_new_later", ct);
    }

    /// <summary>
    /// From <c>cost_new</c> (the allocation of @from..@to) to <c>tenant_cost_daily</c>, touching only rows that differ.
    /// Tenant rows are matched on (day, tenant) and the idle rows on the day, apart: plain equalities, so the joins hash.
    /// </summary>
    public const string Write = """
        CREATE TEMP TABLE cost_diff ON COMMIT DROP AS
        SELECT coalesce(n.day, o.day) AS day, coalesce(n.tenant_id, o.tenant_id) AS tenant_id, n.ip_cost, n.vps_cost,
               o.day IS NULL AS added, n.day IS NULL AS gone
        FROM (SELECT * FROM cost_new WHERE tenant_id IS NOT NULL) n
        FULL JOIN (SELECT * FROM tenant_cost_daily WHERE day BETWEEN @from AND @to AND tenant_id IS NOT NULL) o
          ON o.day = n.day AND o.tenant_id = n.tenant_id
        WHERE o.day IS NULL OR n.day IS NULL OR o.ip_cost <> n.ip_cost OR o.vps_cost <> n.vps_cost
        UNION ALL
        SELECT coalesce(n.day, o.day), NULL, n.ip_cost, n.vps_cost, o.day IS NULL, n.day IS NULL
        FROM (SELECT * FROM cost_new WHERE tenant_id IS NULL) n
        FULL JOIN (SELECT * FROM tenant_cost_daily WHERE day BETWEEN @from AND @to AND tenant_id IS NULL) o ON o.day = n.day
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
    /// A rebuild writes the table anew (<see cref="Refill"/>) when it holds fewer kept rows than a tenth of the new ones.
    /// </summary>
    public const int RefillRatio = 10;

    /// <summary>
    /// True when the table is nearly empty next to the allocation about to be written: a new database, or a seed after
    /// <c>seed demo</c> kept its few thousand rows (<c>seed scale</c> then writes millions). Comparing every new row with a
    /// kept one would cost more than writing them all, and most of the writes would be inserts kept row by row in the
    /// indexes.
    /// </summary>
    public static bool WritesAnew(long keptRows, long newRows) => keptRows * RefillRatio < newRows;

    /// <summary>
    /// The fill of a (nearly) empty <c>tenant_cost_daily</c>: the range's kept rows are deleted, the indexes and foreign
    /// keys of the daily and the monthly table set aside, the rows inserted; the month roll-up follows, then
    /// <see cref="BulkLoad.Restore"/> builds the same indexes and keys again at once. Kept up row by row, they made an
    /// insert of 3.5 million rows take ~32 s instead of ~9 s (the key check alone ~14 s), and the roll-up's 1.3 million
    /// month rows at 100,000 tenants longer. Dropping a foreign key locks its table (<c>tenants</c>) until the fill
    /// commits: this only happens while (nearly) no costs are kept yet.
    /// </summary>
    public static readonly string Refill = """
        DELETE FROM tenant_cost_daily WHERE day BETWEEN @from AND @to;

        """ + BulkLoad.Suspend("tenant_cost_daily", "tenant_cost_monthly") + """

        INSERT INTO tenant_cost_daily (day, tenant_id, ip_cost, vps_cost) SELECT day, tenant_id, ip_cost, vps_cost FROM cost_new;
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
