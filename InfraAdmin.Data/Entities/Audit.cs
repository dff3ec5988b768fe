using System.Text.Json;

namespace InfraAdmin.Data.Entities;

// The audit log.

/// <summary>One audited change or security event.</summary>
public class AuditLog
{
    public long Id { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string? EntityId { get; set; }
    public Guid? TenantId { get; set; }
    public JsonDocument? Before { get; set; }
    public JsonDocument? After { get; set; }
    public string? IpAddress { get; set; }
    public DateTime Created { get; set; }
}
