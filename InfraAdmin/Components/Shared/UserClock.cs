using System.Globalization;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Platform;
using InfraAdmin.Features.Tenants;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// Shows stored UTC times in the viewer's time zone (their preference, else their tenant's ui_timezone, else UTC)
/// and formats dates and numbers in their language (or the tenant's ui_date_format for dates); amounts carry the
/// platform's billing currency (<c>billing.currency</c>), placed where the language puts it.
/// </summary>
public sealed class UserClock(ViewerProfiles profiles, CurrentUser currentUser, SystemSettings settings)
{
    private bool _loaded;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public CultureInfo Culture { get; private set; } = CultureInfo.GetCultureInfo("en-US");
    public string? DateFormat { get; private set; }

    /// <summary>The ISO 4217 code every amount is in ("USD" unless <c>billing.currency</c> says otherwise).</summary>
    public string Currency { get; private set; } = "USD";

    public async Task EnsureLoadedAsync()
    {
        if (_loaded) return;
        _loaded = true;
        Currency = await settings.CurrencyAsync();
        if (await currentUser.GetUserIdAsync() is not { } userId) return;
        var viewer = await profiles.GetAsync(userId);
        Zone = TimeZones.Find(viewer.Timezone) ?? TimeZones.Find(viewer.Tenant?.UiTimezone) ?? TimeZoneInfo.Utc;
        if (viewer.Language is { Length: > 0 } language)
        {
            try { Culture = CultureInfo.GetCultureInfo(language); } catch (CultureNotFoundException) { }
        }
        DateFormat = viewer.Tenant?.UiDateFormat;
    }

    /// <summary>The zone times are shown in, for column headings and labels ("UTC", "Europe/Berlin").</summary>
    public string ZoneLabel => Zone.Id is "Etc/UTC" or "UTC" ? "UTC" : Zone.Id;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>A moment in the viewer's zone with the zone shown: "Dec 1, 2026 15:05 UTC+1".</summary>
    public string Format(DateTime? utc)
    {
        if (utc is null) return "—";
        var local = ToLocal(utc.Value);
        return $"{local.ToString(DatePattern, Culture)} {local.ToString("HH:mm", CultureInfo.InvariantCulture)} {Offset(utc.Value)}";
    }

    /// <summary>The viewer's calendar date of a moment, without the time: "Dec 1, 2026".</summary>
    public string FormatDate(DateTime? utc) => utc is null ? "—" : ToLocal(utc.Value).ToString(DatePattern, Culture);

    /// <summary>
    /// A calendar day that is a UTC day by rule (billing periods, renewals, decommission dates): shown as that day, never
    /// shifted into the viewer's zone, in the same unambiguous pattern as every other date.
    /// </summary>
    public string Day(DateTime? utcDay) => utcDay is null ? "—" : utcDay.Value.ToString(DatePattern, Culture);

    /// <inheritdoc cref="Day(DateTime?)"/>
    public string Day(DateOnly? day) => day is null ? "—" : day.Value.ToString(DatePattern, Culture);

    /// <summary>
    /// The date pattern of every date shown: the tenant's ui_date_format when it is one of the unambiguous ones, else the
    /// language's long date without the weekday and with the short month ("MMM d, yyyy" in English, "d. MMM yyyy" in
    /// German), so 12/1/2026 never appears.
    /// </summary>
    public string DatePattern => DateFormat is { Length: > 0 } f && TenantRules.DateFormats.Contains(f) ? f : PatternOf(Culture);

    /// <summary>"UTC", "UTC+1", "UTC+5:30" or "UTC-3": the viewer's offset from UTC at that moment.</summary>
    public string Offset(DateTime utc)
    {
        var offset = Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        if (offset == TimeSpan.Zero) return "UTC";
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0 ? $"UTC{sign}{abs.Hours}" : $"UTC{sign}{abs.Hours}:{abs.Minutes:00}";
    }

    internal static string PatternOf(CultureInfo culture)
    {
        var pattern = culture.DateTimeFormat.LongDatePattern;
        foreach (var weekday in new[] { "dddd, ", "dddd,", "dddd ", ", dddd", " dddd", "dddd" }) pattern = pattern.Replace(weekday, "");
        pattern = pattern.Replace("MMMM", "MMM").Trim().Trim(',').Trim();
        return pattern.Contains("MMM") || pattern.Contains('年') ? pattern : "d MMM yyyy";
    }

    /// <summary>An amount with its currency in the viewer's number format: "USD 1,234.56" (en), "1.234,56 USD" (de).</summary>
    public string Money(decimal? value)
    {
        if (value is null) return "—";
        var number = value.Value.ToString("N2", Culture);
        // A no-break space keeps the code and the number on one line in narrow columns.
        return Culture.NumberFormat.CurrencyPositivePattern is 0 or 2 ? $"{Currency}\u00A0{number}" : $"{number}\u00A0{Currency}";
    }
    public string Number(decimal value, int decimals = 0) => value.ToString("N" + decimals, Culture);
}
