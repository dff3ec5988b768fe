using System.Collections.Concurrent;
using System.Text.Json;
using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Platform;

/// <summary>The app's own tunables, read from <c>system_config</c> with coded defaults.</summary>
public static class SettingKeys
{
    public const string IpReputationStaleHours = "ip.reputation_stale_hours";
    public const string StaffPasswordMinLength = "security.staff_password_min_length";
    public const string StaffMaxLoginAttempts = "security.staff_max_login_attempts";
    public const string StaffSessionHours = "security.staff_session_hours";
    public const string Staff2faRequired = "security.staff_2fa_required";
    public const string StripeAccountId = "stripe_account_id";
    public const string BillingCurrency = "billing.currency";
    public const string AuditRetentionMonths = "audit.retention_months";
    public const string AlertsListingCriticalWeight = "alerts.listing_critical_weight";
    public const string AlertsListingWarningWeight = "alerts.listing_warning_weight";
    public const string AlertsWebhookUrl = "alerts.webhook_url";
    public const string AlertsWebhookSecret = "alerts.webhook_secret";
}

/// <summary>
/// Reads <c>system_config</c> values as typed settings. Values are cached for a few seconds, so a change
/// takes effect without a restart on every instance; <see cref="Invalidate"/> makes it immediate here.
/// </summary>
public sealed class SystemSettings(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider clock, ILogger<SystemSettings> logger)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (JsonElement? Value, DateTimeOffset Expires)> _cache = new();

    /// <summary>The setting's stored value, or its default (with a warning in the log) when it is missing, of the wrong type or out of range.</summary>
    public async Task<int> GetAsync(IntSetting setting, CancellationToken ct = default) =>
        await ValidAsync(setting, ct) is { } v ? v.GetInt32() : setting.Default;

    /// <inheritdoc cref="GetAsync(IntSetting, CancellationToken)"/>
    public async Task<bool> GetAsync(BoolSetting setting, CancellationToken ct = default) =>
        await ValidAsync(setting, ct) is { } v ? v.GetBoolean() : setting.Default;

    /// <inheritdoc cref="GetAsync(IntSetting, CancellationToken)"/>
    public async Task<string?> GetAsync(TextSetting setting, CancellationToken ct = default) =>
        await ValidAsync(setting, ct) is { } v ? v.GetString() : setting.Default;

    /// <summary>The currency every amount is shown in (ISO 4217, e.g. "USD").</summary>
    public async Task<string> CurrencyAsync(CancellationToken ct = default) =>
        await GetAsync(SettingCatalog.BillingCurrency, ct) ?? "USD";

    public void Invalidate() => _cache.Clear();

    /// <summary>The stored value when it keeps the setting's rule, else null; checked (and a bad value logged) once per cache load, not per read.</summary>
    private async Task<JsonElement?> ValidAsync(SettingDefinition setting, CancellationToken ct)
    {
        if (_cache.TryGetValue(setting.Key, out var hit) && hit.Expires > clock.GetUtcNow()) return hit.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.SystemConfig.AsNoTracking().Where(c => c.Key == setting.Key).Select(c => c.Value).FirstOrDefaultAsync(ct);
        JsonElement? value = doc?.RootElement.Clone();
        if (value is { } stored && setting.Error(stored) is { } error)
        {
            if (setting.Sensitive)
                logger.LogWarning("system_config {Key} (sensitive) holds a value that breaks its rule; using the default", setting.Key);
            else
                logger.LogWarning("system_config {Key} holds {Value}, which breaks its rule ({Error}); using the default", setting.Key, stored.GetRawText(), error);
            value = null;
        }
        _cache[setting.Key] = (value, clock.GetUtcNow() + Lifetime);
        return value;
    }
}
