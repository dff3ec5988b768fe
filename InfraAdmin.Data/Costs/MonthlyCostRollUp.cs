namespace InfraAdmin.Data.Costs;

/// <summary>
/// Re-sums <c>tenant_cost_monthly</c> from <c>tenant_cost_daily</c> for every month touched by a day range (always from
/// the whole month's days, so a partial rebuild still leaves each month equal to the sum of its days), and rounds each
/// month once, by largest remainder: every part is floored to the cent and the cents still missing from the month's
/// rounded total go one each to the parts with the largest remainders, ties to the lower tenant id and idle last.
/// Exact sums are taken to 12 decimals first, as the pages always have. Each month's totals (<c>tenant_cost_month_totals</c>,
/// one row a month) are summed from its rounded rows by the same statements, so they add up to the cent by construction.
/// </summary>
public static class MonthlyCostRollUp
{
    /// <summary>
    /// The statements for the days <paramref name="from"/>..<paramref name="to"/> (SQL date expressions, e.g. parameters):
    /// the months' rows (<see cref="Months"/>), then their totals (<see cref="Totals"/>).
    /// </summary>
    public static string Sql(string from, string to) => Months(from, to) + Totals(from, to);

    /// <summary>
    /// One row a month for the month page and the trend: the tenant rows' rounded sums, the idle row's rounded
    /// total, the month's days (the idle row's, which has every kept day) and its last kept day. Read by the cost page
    /// instead of summing 100,000 tenant rows a month.
    /// </summary>
    public static string Totals(string from, string to) => $"""

        DELETE FROM tenant_cost_month_totals
        WHERE month BETWEEN date_trunc('month', ({from})::timestamp)::date AND date_trunc('month', ({to})::timestamp)::date;

        INSERT INTO tenant_cost_month_totals (month, days, last_day, ip_rounded, vps_rounded, total_rounded, idle_total_rounded)
        SELECT month, coalesce(max(days) FILTER (WHERE tenant_id IS NULL), max(days)), max(last_day),
               coalesce(sum(ip_rounded) FILTER (WHERE tenant_id IS NOT NULL), 0),
               coalesce(sum(vps_rounded) FILTER (WHERE tenant_id IS NOT NULL), 0),
               coalesce(sum(total_rounded) FILTER (WHERE tenant_id IS NOT NULL), 0),
               coalesce(sum(total_rounded) FILTER (WHERE tenant_id IS NULL), 0)
        FROM tenant_cost_monthly
        WHERE month BETWEEN date_trunc('month', ({from})::timestamp)::date AND date_trunc('month', ({to})::timestamp)::date
        GROUP BY month;
        """;

    /// <summary>
    /// The months' rows alone: what the roll-up wrote before the month totals existed (the 2026-11-25 migration that
    /// first filled <c>tenant_cost_monthly</c> runs it, before the totals table is made).
    /// </summary>
    public static string Months(string from, string to) => $"""
        DELETE FROM tenant_cost_monthly
        WHERE month BETWEEN date_trunc('month', ({from})::timestamp)::date AND date_trunc('month', ({to})::timestamp)::date;

        INSERT INTO tenant_cost_monthly (month, tenant_id, ip_cost, vps_cost, days, last_day, ip_rounded, vps_rounded, total_rounded)
        WITH sums AS (
            SELECT date_trunc('month', day::timestamp)::date AS month, tenant_id, sum(ip_cost) AS ip_exact, sum(vps_cost) AS vps_exact,
                   round(sum(ip_cost), 12) AS ip, round(sum(vps_cost), 12) AS vps, count(*)::int AS days, max(day) AS last_day
            FROM tenant_cost_daily
            WHERE day >= date_trunc('month', ({from})::timestamp)::date
              AND day < (date_trunc('month', ({to})::timestamp) + interval '1 month')::date
            GROUP BY 1, 2),
        parts AS (
            SELECT s.*, floor(ip * 100) / 100 AS ip_floor, floor(vps * 100) / 100 AS vps_floor,
                   floor((ip + vps) * 100) / 100 AS total_floor
            FROM sums s),
        ranked AS (
            SELECT p.*,
                   row_number() OVER (PARTITION BY month ORDER BY ip - ip_floor DESC, tenant_id IS NULL, tenant_id) AS ip_rank,
                   row_number() OVER (PARTITION BY month ORDER BY vps - vps_floor DESC, tenant_id IS NULL, tenant_id) AS vps_rank,
                   row_number() OVER (PARTITION BY month ORDER BY ip + vps - total_floor DESC, tenant_id IS NULL, tenant_id) AS total_rank,
                   (round(sum(ip) OVER m, 2) - sum(ip_floor) OVER m) * 100 AS ip_missing,
                   (round(sum(vps) OVER m, 2) - sum(vps_floor) OVER m) * 100 AS vps_missing,
                   (round(sum(ip + vps) OVER m, 2) - sum(total_floor) OVER m) * 100 AS total_missing
            FROM parts p
            WINDOW m AS (PARTITION BY month))
        SELECT month, tenant_id, ip_exact, vps_exact, days, last_day,
               ip_floor + CASE WHEN ip_rank <= ip_missing THEN 0.01 ELSE 0 END,
               vps_floor + CASE WHEN vps_rank <= vps_missing THEN 0.01 ELSE 0 END,
               total_floor + CASE WHEN total_rank <= total_missing THEN 0.01 ELSE 0 END
        FROM ranked;
        """;
}
