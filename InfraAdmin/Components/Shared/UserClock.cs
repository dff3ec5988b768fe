using System.Globalization;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// Shows stored UTC times in the viewer's time zone (their preference, else their tenant's ui_timezone, else UTC)
/// and formats dates and numbers in their language (or the tenant's ui_date_format for dates).
/// </summary>
public sealed class UserClock(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser)
{
    private bool _loaded;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public CultureInfo Culture { get; private set; } = CultureInfo.GetCultureInfo("en-US");
    public string? DateFormat { get; private set; }

    public async Task EnsureLoadedAsync()
    {
        if (_loaded) return;
        _loaded = true;
        if (await currentUser.GetUserIdAsync() is not { } userId) return;
        await using var db = await dbFactory.CreateDbContextAsync();
        var prefs = await db.UserPreferences.AsNoTracking().Where(p => p.UserId == userId)
            .Select(p => new { p.Timezone, p.Language }).FirstOrDefaultAsync();
        var tenant = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.TenantId != null)
            .Join(db.TenantConfigs, u => u.TenantId, c => c.TenantId, (u, c) => new { c.UiTimezone, c.UiDateFormat })
            .FirstOrDefaultAsync();
        Zone = TimeZones.Find(prefs?.Timezone) ?? TimeZones.Find(tenant?.UiTimezone) ?? TimeZoneInfo.Utc;
        if (prefs?.Language is { Length: > 0 } language)
        {
            try { Culture = CultureInfo.GetCultureInfo(language); } catch (CultureNotFoundException) { }
        }
        DateFormat = tenant?.UiDateFormat;
    }

    /// <summary>The zone times are shown in, for column headings and labels ("UTC", "Europe/Berlin").</summary>
    public string ZoneLabel => Zone.Id is "Etc/UTC" or "UTC" ? "UTC" : Zone.Id;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public string Format(DateTime? utc)
    {
        if (utc is null) return "—";
        var local = ToLocal(utc.Value);
        var date = DateFormat is { Length: > 0 } f ? local.ToString(f, CultureInfo.InvariantCulture) : local.ToString("d", Culture);
        return $"{date} {local.ToString("HH:mm", CultureInfo.InvariantCulture)}";
    }

    public string FormatDate(DateTime? utc)
    {
        if (utc is null) return "—";
        var local = ToLocal(utc.Value);
        return DateFormat is { Length: > 0 } f ? local.ToString(f, CultureInfo.InvariantCulture) : local.ToString("d", Culture);
    }

    public string Money(decimal? value) => value is null ? "—" : value.Value.ToString("N2", Culture);
    public string Number(decimal value, int decimals = 0) => value.ToString("N" + decimals, Culture);
}
