using System.Text.Json;
using InfraAdmin.Data.Migrations;

namespace InfraAdmin.Infrastructure.Live;

/// <summary>
/// One change notification: a statement on <see cref="Table"/> (see <see cref="LiveChangeTriggers"/>) with the keys it
/// touched when they were few (null: many or unknown), and its tenant when it touched one only. Never data: a page that
/// hears of a change reloads through its service, which checks permissions as for any load.
/// <see cref="FullRefresh"/> (no table) means "anything may have changed" — sent after the listener (re)connects.
/// </summary>
public sealed record DataChange(string? Table, IReadOnlyList<string>? Keys = null, string? Tenant = null, bool NoTenant = false)
{
    public static readonly DataChange Everything = new((string?)null);

    public bool FullRefresh => Table is null;

    /// <summary>True when the change may concern <paramref name="key"/> of its table (its keys name it, or it touched many).</summary>
    public bool MayConcern(string key) => FullRefresh || Keys is null || Keys.Contains(key);

    public bool MayConcern(Guid key) => MayConcern(key.ToString());

    /// <summary>
    /// True when the change may concern the tenant <paramref name="tenantId"/>: it named that tenant, or several (no
    /// tenant named), or its table has no tenant column; false when it named another tenant or only rows without one
    /// (<see cref="NoTenant"/>, such as a staff user). A tenant's page listens through this.
    /// </summary>
    public bool MayConcernTenant(Guid tenantId) => FullRefresh || (!NoTenant && (Tenant is null || Tenant == tenantId.ToString()));

    /// <summary>Reads a trigger's payload; null when it is not one.</summary>
    public static DataChange? Parse(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("table", out var table) || table.ValueKind != JsonValueKind.String)
                return null;
            IReadOnlyList<string>? keys = root.TryGetProperty("keys", out var k) && k.ValueKind == JsonValueKind.Array
                ? k.EnumerateArray().Select(e => e.ToString()).ToArray()
                : null;
            var tenant = root.TryGetProperty("tenant", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var noTenant = root.TryGetProperty("no_tenant", out var n) && n.ValueKind == JsonValueKind.True;
            return new DataChange(table.GetString()!, keys, tenant, noTenant);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The payload a trigger would send (for changes the app announces itself, such as a cost roll-up).</summary>
    public string ToPayload() => JsonSerializer.Serialize(new Dictionary<string, object?> { ["table"] = Table, ["keys"] = Keys, ["tenant"] = Tenant, ["no_tenant"] = NoTenant ? true : null }
        .Where(p => p.Value is not null).ToDictionary());
}

/// <summary>The changes one subscriber hears of in one coalescing window (a burst is one batch, so one refresh).</summary>
public sealed class ChangeBatch(IReadOnlyList<DataChange> changes, bool overflowed = false)
{
    public IReadOnlyList<DataChange> Changes { get; } = changes;

    /// <summary>Anything may have changed: the listener reconnected, or the batch was too long to keep.</summary>
    public bool FullRefresh { get; } = overflowed || changes.Any(c => c.FullRefresh);

    /// <summary>True when the batch may concern <paramref name="table"/> (any of <paramref name="tables"/>).</summary>
    public bool Touches(params string[] tables) => FullRefresh || Changes.Any(c => tables.Contains(c.Table));

    /// <summary>True when the batch may concern the row <paramref name="key"/> of <paramref name="table"/>.</summary>
    public bool Touches(string table, Guid key) => FullRefresh || Changes.Any(c => c.Table == table && c.MayConcern(key));
}

/// <summary>The tables pages follow: each one's changes are announced (a trigger, or the code that writes it).</summary>
public static class LiveTables
{
    public const string IpAddresses = "smtp_ip_addresses";
    public const string IpHistory = "smtp_ip_history";
    public const string Assignments = "domain_ip_assignments";
    public const string Domains = "domains";
    public const string Vps = "vps_instances";
    public const string StaffMembers = "staff_members";
    public const string Roles = "staff_roles";
    public const string RolePermissions = "staff_role_permissions";
    public const string Users = "users";
    public const string SystemConfig = "system_config";
    public const string FeatureFlags = "feature_flags";
    public const string Tenants = "tenants";
    public const string TenantConfig = "tenant_config";
    public const string TenantPolicies = "tenant_policies";
    public const string Audit = "audit_log";
    /// <summary>A user's sign-ins (keyed by the user; <c>last_seen</c> moves at most every few seconds per sign-in).</summary>
    public const string Sessions = "user_sessions";
    /// <summary>A user's preferences (keyed by the user).</summary>
    public const string Preferences = "user_preferences";
    public const string Alerts = "alerts";
    public const string AlertDeliveries = "alert_webhook_deliveries";
    /// <summary>The cost roll-up (<c>tenant_cost_daily</c> and <c>tenant_cost_monthly</c>): one announcement per rebuild, from its code.</summary>
    public const string CostRollup = "tenant_cost_daily";
    /// <summary>Hangfire's jobs (a trigger the app adds at start-up, once Hangfire has made its schema).</summary>
    public const string Jobs = "hangfire.job";
}
