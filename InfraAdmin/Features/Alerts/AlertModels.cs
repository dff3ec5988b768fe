using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Alerts;

/// <summary>An alert's state: open (neither acknowledged nor resolved), acknowledged (still firing), resolved.</summary>
public static class AlertState
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public static readonly string[] All = [Open, Acknowledged, Resolved];

    public static string Of(DateTime? resolvedAt, DateTime? acknowledgedAt) =>
        resolvedAt is not null ? Resolved : acknowledgedAt is not null ? Acknowledged : Open;
}

/// <summary>The /alerts filters, as they appear in the query string (state, severity, rule, q).</summary>
public sealed record AlertFilter(string? State = null, string? Severity = null, string? Rule = null, string? Q = null)
{
    /// <summary>The filter from the query string as typed (the page and its CSV export); bad values are left out and recorded in <paramref name="f"/>.</summary>
    public static AlertFilter FromQuery(QueryFilters f, string? state, string? severity, string? rule, string? q) =>
        new(f.OneOf("state", state, AlertState.All), f.OneOf("severity", severity, AlertSeverity.All), f.OneOf("rule", rule, AlertRuleIds.All), f.Text("q", q));
}

/// <summary>The rule ids (for the filter; the rules themselves are <see cref="IAlertRule"/> services).</summary>
public static class AlertRuleIds
{
    public static readonly string[] All =
        [IpListedRule.RuleId, IpReputationRule.RuleId, IpStaleRule.RuleId, VpsBilledAgainRule.RuleId, TenantNegativeMarginRule.RuleId, JobFailedRule.RuleId];

    public static string Label(string rule) => rule switch
    {
        IpListedRule.RuleId => "IP listed on a blacklist",
        IpReputationRule.RuleId => "IP reputation poor or critical",
        IpStaleRule.RuleId => "IP checks stale",
        VpsBilledAgainRule.RuleId => "VPS billed again before its decommission",
        TenantNegativeMarginRule.RuleId => "Tenant margin negative",
        JobFailedRule.RuleId => "Scheduled job failed",
        _ => rule,
    };
}

/// <summary>
/// Who may acknowledge an alert: the manage permission of its area where the area has one (ip.manage, vps.manage,
/// config.manage), its view permission otherwise (costs.view: the Costs area has no manage permission).
/// </summary>
public static class AlertAcknowledge
{
    public const int MaxNoteLength = 1000;

    public static string PermissionFor(string viewPermission) => viewPermission switch
    {
        Permissions.Ip.View => Permissions.Ip.Manage,
        Permissions.Vps.View => Permissions.Vps.Manage,
        Permissions.Config.View => Permissions.Config.Manage,
        _ => viewPermission,
    };

    /// <summary>Null when the note is acceptable, else what is wrong (required, at most 1,000 characters, no NUL).</summary>
    public static string? NoteError(string? note) =>
        string.IsNullOrWhiteSpace(note) ? "Say what you are doing about it (a short note is required)."
        : note.Trim().Length > MaxNoteLength ? $"The note is at most {MaxNoteLength} characters (this one has {note.Trim().Length})."
        : note.Contains('\0') ? "The note contains a NUL character."
        : null;
}

public sealed record AlertRow(
    Guid Id, string Rule, string Severity, string Title, string? Detail, string? Link, Guid? TenantId, string Permission,
    DateTime RaisedAt, DateTime LastSeenAt, DateTime? ResolvedAt, DateTime? AcknowledgedAt, string? AcknowledgedByName, string? AckNote, uint Version)
{
    public string State => AlertState.Of(ResolvedAt, AcknowledgedAt);
}

public sealed record AlertResults(int Total, IReadOnlyList<AlertRow> Rows);

public sealed record AlertDeliveryRow(Guid Id, Guid AlertId, string AlertTitle, int Attempt, DateTime AttemptedAt, string? Host, int? StatusCode, bool Succeeded, string? Error, int DurationMs);

public sealed record AlertDeliveryResults(int Total, IReadOnlyList<AlertDeliveryRow> Rows);

/// <summary>What the toast says of a new alert.</summary>
public sealed record AlertToast(Guid Id, string Severity, string Title, string? Link);
