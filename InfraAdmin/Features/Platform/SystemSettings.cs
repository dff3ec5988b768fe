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

    public static readonly IReadOnlyDictionary<string, object> Defaults = new Dictionary<string, object>
    {
        [IpReputationStaleHours] = 24,
        [StaffPasswordMinLength] = 12,
        [StaffMaxLoginAttempts] = 5,
        [StaffSessionHours] = 8,
        [Staff2faRequired] = false,
    };
}

/// <summary>
/// Reads <c>system_config</c> values as typed settings. Values are cached for a few seconds, so a change
/// takes effect without a restart on every instance; <see cref="Invalidate"/> makes it immediate here.
/// </summary>
public sealed class SystemSettings(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (JsonElement? Value, DateTimeOffset Expires)> _cache = new();

    public async Task<int> GetIntAsync(string key, int fallback, CancellationToken ct = default)
    {
        var value = await GetRawAsync(key, ct);
        return value switch
        {
            { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var i) => i,
            { ValueKind: JsonValueKind.String } v when int.TryParse(v.GetString(), out var s) => s,
            _ => fallback,
        };
    }

    public async Task<bool> GetBoolAsync(string key, bool fallback, CancellationToken ct = default)
    {
        var value = await GetRawAsync(key, ct);
        return value?.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => fallback,
        };
    }

    public Task<int> GetIntAsync(string key, CancellationToken ct = default) =>
        GetIntAsync(key, (int)SettingKeys.Defaults[key], ct);

    public Task<bool> GetBoolAsync(string key, CancellationToken ct = default) =>
        GetBoolAsync(key, (bool)SettingKeys.Defaults[key], ct);

    public void Invalidate() => _cache.Clear();

    private async Task<JsonElement?> GetRawAsync(string key, CancellationToken ct)
    {
        if (_cache.TryGetValue(key, out var hit) && hit.Expires > clock.GetUtcNow()) return hit.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.SystemConfig.AsNoTracking().Where(c => c.Key == key).Select(c => c.Value).FirstOrDefaultAsync(ct);
        JsonElement? value = doc?.RootElement.Clone();
        _cache[key] = (value, clock.GetUtcNow() + Lifetime);
        return value;
    }
}
