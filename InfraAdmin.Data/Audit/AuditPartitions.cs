using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace InfraAdmin.Data.Audit;

/// <summary>
/// The monthly partitions of <c>audit_log</c> (see <c>Migrations/AuditLogPartitioning.cs</c>): <c>audit_log_yyyy_MM</c>
/// covers one calendar month in UTC; <c>audit_log_default</c> takes a row whose month has no partition.
/// </summary>
public static partial class AuditPartitions
{
    public const string Parent = "audit_log";
    public const string Default = "audit_log_default";

    [GeneratedRegex("^audit_log_([0-9]{4})_([0-9]{2})$")]
    private static partial Regex MonthlyName();

    /// <summary>The first day of the UTC month holding <paramref name="utc"/>.</summary>
    public static DateOnly MonthOf(DateTime utc) => new(utc.Year, utc.Month, 1);

    /// <summary>The partition of a month: <c>audit_log_2026_12</c>.</summary>
    public static string NameOf(DateOnly month) => $"audit_log_{month.Year:D4}_{month.Month:D2}";

    /// <summary>The month a partition name stands for; false for any other name (the default partition included).</summary>
    public static bool TryParse(string name, out DateOnly month)
    {
        month = default;
        var m = MonthlyName().Match(name);
        if (!m.Success) return false;
        var (year, number) = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        if (number is < 1 or > 12) return false;
        month = new DateOnly(year, number, 1);
        return true;
    }

    /// <summary>Creates the month's partition unless it exists (moving its rows out of the default partition); returns its name.</summary>
    public static async Task<string> EnsureAsync(NpgsqlConnection conn, DateOnly month, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("SELECT audit_log_ensure_partition(@month)", conn);
        cmd.Parameters.AddWithValue("month", month);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The monthly partitions attached to <c>audit_log</c>, oldest first (the default partition is not listed).</summary>
    public static async Task<IReadOnlyList<(string Name, DateOnly Month)>> ListAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'public.audit_log'::regclass
            """, conn);
        var list = new List<(string, DateOnly)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (TryParse(r.GetString(0), out var month)) list.Add((r.GetString(0), month));
        return list.OrderBy(p => p.Item2).ToList();
    }

    /// <summary>The months that have rows in the default partition, oldest first (it is small: only rows whose month had no partition).</summary>
    public static async Task<IReadOnlyList<DateOnly>> MonthsInDefaultAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT DISTINCT date_trunc('month', created AT TIME ZONE 'UTC')::date FROM {Default} ORDER BY 1
            """, conn);
        var list = new List<DateOnly>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(r.GetFieldValue<DateOnly>(0));
        return list;
    }
}
