using InfraAdmin.Data;
using InfraAdmin.Data.Costs;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace InfraAdmin.Features.Costs;

/// <summary>
/// The cost allocation rule of DESIGN.md ("Cost per tenant") as one set-based statement: for every day of a range,
/// each tenant's exact IP part and VPS part, and the idle (unallocated) parts, written into <c>tenant_cost_daily</c>
/// (and summed per month into <c>tenant_cost_monthly</c> in the same transaction).
/// Values keep 24 decimals (one division per share); rounding happens once, when a month is shown.
/// </summary>
public static class CostAllocationSql
{
    /// <summary>Serialises rebuilds (the job, the command and refreshes after changes) so DELETE + INSERT never race.</summary>
    private const long LockKey = 0x636f737473; // "costs"

    /// <summary>The allocation for the days @from..@to (inclusive), one row per day and tenant plus one idle row per day.</summary>
    public const string Allocation = """
        WITH
        vps_days AS (       -- a VPS exists on a day: created before the day's end; if decommissioned, gone after its date
            SELECT v.id AS vps_id, g.day::date AS day, coalesce(v.approximate_cost, 0)::numeric(40,24) AS cost
            FROM vps_instances v
            CROSS JOIN LATERAL generate_series(
                greatest((v.created AT TIME ZONE 'UTC')::date, @from)::timestamp,
                CASE WHEN v.status = 'decommissioned'
                     THEN least(((v.decommission_scheduled_for AT TIME ZONE 'UTC') - interval '1 microsecond')::date, @to)
                     ELSE @to END::timestamp,
                interval '1 day') AS g(day)
            WHERE v.created IS NOT NULL
              AND (v.status IS DISTINCT FROM 'decommissioned' OR v.decommission_scheduled_for IS NOT NULL)
        ),
        ip_days AS (        -- an IP exists on a day: created before the day's end and its VPS (if any) exists that day
            SELECT i.id AS ip_id, i.vps_instance_id AS vps_id, g.day::date AS day,
                   coalesce(i.approximate_cost, 0)::numeric(40,24) AS cost, coalesce(vd.cost, 0) AS vps_cost
            FROM smtp_ip_addresses i
            CROSS JOIN LATERAL generate_series(
                greatest((i.created AT TIME ZONE 'UTC')::date, @from)::timestamp, @to::timestamp, interval '1 day') AS g(day)
            LEFT JOIN vps_days vd ON vd.vps_id = i.vps_instance_id AND vd.day = g.day::date
            WHERE i.created IS NOT NULL AND (i.vps_instance_id IS NULL OR vd.vps_id IS NOT NULL)
        ),
        ip_counts AS (      -- IPs existing on each VPS-day
            SELECT vps_id, day, count(*) AS n FROM ip_days WHERE vps_id IS NOT NULL GROUP BY vps_id, day
        ),
        cover AS (          -- distinct domains covered on each IP-day: assigned < day end, expires null or > day start
            SELECT DISTINCT a.smtp_ip_address_id AS ip_id, g.day::date AS day, a.domain_id, dm.tenant_id
            FROM domain_ip_assignments a
            JOIN domains dm ON dm.id = a.domain_id
            CROSS JOIN LATERAL generate_series(
                greatest((a.assigned AT TIME ZONE 'UTC')::date, @from)::timestamp,
                least(((a.expires AT TIME ZONE 'UTC') - interval '1 microsecond')::date, @to)::timestamp,
                interval '1 day') AS g(day)
            WHERE a.assigned IS NOT NULL AND a.smtp_ip_address_id IS NOT NULL
        ),
        dom_counts AS (
            SELECT ip_id, day, count(*) AS n FROM cover GROUP BY ip_id, day
        ),
        ip_totals AS (      -- each existing IP-day: its own cost, its VPS's cost and IP count, its domain count
            SELECT d.ip_id, d.day, d.cost AS ip_cost, d.vps_cost, coalesce(c.n, 1) AS n_ips,
                   coalesce(dc.n, 0) AS n_dom,
                   extract(day from date_trunc('month', d.day) + interval '1 month - 1 day')::int AS dim
            FROM ip_days d
            LEFT JOIN ip_counts c ON c.vps_id = d.vps_id AND c.day = d.day
            LEFT JOIN dom_counts dc ON dc.ip_id = d.ip_id AND dc.day = d.day
        ),
        shares AS (
            -- each covered domain's equal share of its IP-day (own cost, and the IP's share of its VPS), to its tenant
            SELECT t.day, cv.tenant_id, t.ip_cost / (t.dim * t.n_dom) AS ip_cost, t.vps_cost / (t.dim * t.n_ips * t.n_dom) AS vps_cost
            FROM ip_totals t JOIN cover cv ON cv.ip_id = t.ip_id AND cv.day = t.day
            UNION ALL
            -- an IP-day with no domain: idle
            SELECT t.day, NULL, t.ip_cost / t.dim, t.vps_cost / (t.dim * t.n_ips) FROM ip_totals t WHERE t.n_dom = 0
            UNION ALL
            -- a VPS-day with no IP: idle
            SELECT v.day, NULL, 0, v.cost / extract(day from date_trunc('month', v.day) + interval '1 month - 1 day')::int
            FROM vps_days v
            WHERE NOT EXISTS (SELECT 1 FROM ip_counts c WHERE c.vps_id = v.vps_id AND c.day = v.day)
            UNION ALL
            -- one idle row for every day, so each kept day is visible even when nothing cost anything
            SELECT g.day::date, NULL, 0, 0 FROM generate_series(@from::timestamp, @to::timestamp, interval '1 day') AS g(day)
        )
        SELECT day, tenant_id, sum(ip_cost) AS ip_cost, sum(vps_cost) AS vps_cost
        FROM shares
        GROUP BY day, tenant_id
        """;

    /// <summary>Replaces the kept rows of the days <paramref name="from"/>..<paramref name="to"/> in one transaction; returns rows written.</summary>
    public static async Task<int> RebuildAsync(InfraAdminDbContext db, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from) return 0;
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        return await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockKey], ct);
            await db.Database.ExecuteSqlRawAsync(
                "DELETE FROM tenant_cost_daily WHERE day BETWEEN @from AND @to", Parameters(from, to), ct);
            var written = await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO tenant_cost_daily (day, tenant_id, ip_cost, vps_cost)\n" + Allocation, Parameters(from, to), ct);
            await db.Database.ExecuteSqlRawAsync(MonthlyCostRollUp.Sql("@from", "@to"), Parameters(from, to), ct);
            return written;
        }, ct);
    }

    private static NpgsqlParameter[] Parameters(DateOnly from, DateOnly to) =>
    [
        new("from", NpgsqlDbType.Date) { Value = from },
        new("to", NpgsqlDbType.Date) { Value = to },
    ];
}
