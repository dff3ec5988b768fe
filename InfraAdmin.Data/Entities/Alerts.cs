namespace InfraAdmin.Data.Entities;

// Alerts (issue 16): rules in code raise one row per episode of a condition; the row resolves itself when the
// condition clears and can be acknowledged with a note.

/// <summary>
/// One episode of an alert rule's condition on one subject (an IP and provider, an IP, a VPS, a tenant, a job). At most
/// one open episode per (<see cref="Rule"/>, <see cref="SubjectKey"/>): a unique index on the two WHERE
/// <c>resolved_at IS NULL</c>. After it resolves, the next episode is a new row.
/// </summary>
public class Alert
{
    public Guid Id { get; set; }
    /// <summary>The rule's id, e.g. <c>ip.listed</c>.</summary>
    public string Rule { get; set; } = "";
    /// <summary>What the episode is about, within its rule (e.g. <c>&lt;ip id&gt;:spamhaus</c>).</summary>
    public string SubjectKey { get; set; } = "";
    /// <summary>The view permission of the area it concerns: who may see it (<see cref="AlertPermission"/>).</summary>
    public string Permission { get; set; } = "";
    /// <summary><see cref="AlertSeverity"/>.</summary>
    public string Severity { get; set; } = AlertSeverity.Warning;
    public string Title { get; set; } = "";
    public string? Detail { get; set; }
    /// <summary>A path relative to the app's base (e.g. <c>ip-reputation/&lt;id&gt;</c>).</summary>
    public string? Link { get; set; }
    public Guid? TenantId { get; set; }
    public DateTime RaisedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedBy { get; set; }
    public string? AckNote { get; set; }
    /// <summary>Set when the digest job claimed it: mailed once.</summary>
    public DateTime? EmailedAt { get; set; }
    /// <summary>Set when the webhook delivery was queued: posted once (with retries).</summary>
    public DateTime? WebhookQueuedAt { get; set; }
    public uint Version { get; set; }
}

public static class AlertSeverity
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";
    public static readonly string[] All = [Info, Warning, Critical];

    /// <summary>For sorting: critical first.</summary>
    public static int Rank(string severity) => severity switch { Critical => 3, Warning => 2, Info => 1, _ => 0 };
}

/// <summary>The permissions an alert may need (the view permission of its area).</summary>
public static class AlertPermission
{
    public static readonly string[] All = ["ip.view", "vps.view", "costs.view", "config.view"];
}

/// <summary>One attempt to post an alert to the outgoing webhook (the delivery log on /alerts).</summary>
public class AlertWebhookDelivery
{
    public Guid Id { get; set; }
    public Guid AlertId { get; set; }
    public int Attempt { get; set; }
    public DateTime AttemptedAt { get; set; }
    /// <summary>The URL's host (never the full URL, which may carry a token).</summary>
    public string? Host { get; set; }
    public int? StatusCode { get; set; }
    public bool Succeeded { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}
