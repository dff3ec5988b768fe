using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InfraAdmin.Features.Costs;

/// <summary>A calendar month (UTC), as it appears in <c>?month=2026-10</c>; in JSON too.</summary>
[JsonConverter(typeof(CostMonthJsonConverter))]
public readonly record struct CostMonth(int Year, int Month) : IComparable<CostMonth>
{
    public DateOnly Start => new(Year, Month, 1);
    public DateOnly End => Start.AddMonths(1).AddDays(-1);
    public int DaysInMonth => DateTime.DaysInMonth(Year, Month);
    public CostMonth Previous => Of(Start.AddMonths(-1));
    public CostMonth Next => Of(Start.AddMonths(1));

    public static CostMonth Of(DateOnly day) => new(day.Year, day.Month);
    public static CostMonth Current(TimeProvider clock) => Of(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));

    public CostMonth AddMonths(int months) => Of(Start.AddMonths(months));

    /// <summary>A figure for <paramref name="daysCounted"/> days carried to the whole month (× days in the month ÷ days counted), to the cent.</summary>
    public decimal Project(decimal toDate, int daysCounted) =>
        daysCounted <= 0 ? toDate : Math.Round(toDate * DaysInMonth / daysCounted, 2, MidpointRounding.AwayFromZero);

    /// <summary>The earliest month the console can hold figures for; earlier months are well formed but have no figures.</summary>
    public static readonly CostMonth Earliest = new(2000, 1);

    /// <summary>Parses <c>yyyy-MM</c>; false for anything else (including months before year 2000 or after 9998).</summary>
    public static bool TryParse(string? text, out CostMonth month) =>
        TryParseAny(text, out month) && month >= Earliest && month.Year <= 9998;

    /// <summary>Parses any well-formed <c>yyyy-MM</c> (years 1 to 9999), however far back or ahead.</summary>
    public static bool TryParseAny(string? text, out CostMonth month)
    {
        month = default;
        if (!DateOnly.TryParseExact(text?.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return false;
        month = Of(day);
        return true;
    }

    public int CompareTo(CostMonth other) => Start.CompareTo(other.Start);
    public static bool operator <(CostMonth a, CostMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(CostMonth a, CostMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(CostMonth a, CostMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(CostMonth a, CostMonth b) => a.CompareTo(b) >= 0;

    public override string ToString() => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    public string Label(CultureInfo culture) => Start.ToString("MMMM yyyy", culture);
    public string ShortLabel(CultureInfo culture) => Start.ToString("MMM yy", culture);
}

/// <summary>A month as its <c>yyyy-MM</c> text (its other properties are derived, and Previous/Next never end).</summary>
public sealed class CostMonthJsonConverter : JsonConverter<CostMonth>
{
    public override CostMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        CostMonth.TryParseAny(reader.GetString(), out var month) ? month : throw new JsonException("A month is yyyy-MM.");

    public override void Write(Utf8JsonWriter writer, CostMonth value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
