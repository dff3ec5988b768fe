using System.Globalization;
using System.Text;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// CSV as our exports promise: UTF-8, a header row, invariant culture, ISO-8601 UTC times, and cells that a
/// spreadsheet would run as a formula (starting with =, +, -, @, TAB or CR) prefixed with a quote.
/// </summary>
public static class Csv
{
    /// <summary>The most rows an export writes (every list's CSV).</summary>
    public const int MaxRows = 50_000;

    public static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && value is string) text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    /// <summary>An export's file name stamped with the time it was made: <c>vps-20261203-081500.csv</c>.</summary>
    /// <summary>The header of an amount column, naming its currency: <c>monthly_cost_usd</c>. Cells stay plain invariant numbers.</summary>
    public static string Money(string column, string currency) => $"{column}_{currency.ToLowerInvariant()}";

    public static string FileName(string prefix, TimeProvider clock) => $"{prefix}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.csv";

    public static string Line(params object?[] cells) => string.Join(",", cells.Select(Cell));

    /// <summary>Builds a whole file: header then rows.</summary>
    public static byte[] Build(IEnumerable<string> header, IEnumerable<object?[]> rows)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", header.Select(Cell))).Append("\r\n");
        foreach (var row in rows) sb.Append(Line(row)).Append("\r\n");
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }
}
