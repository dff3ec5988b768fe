using System.Text.Json;
using InfraAdmin.Data.Entities;

namespace InfraAdmin.Data.Audit;

/// <summary>Audit rows for the system's bulk updates (which bypass the interceptor), written by the system actor.</summary>
public static class SystemAudit
{
    public static void Add(InfraAdminDbContext db, DateTime now, string action, string entityType, Guid entityId, object before, object after, Guid? tenantId = null) =>
        db.AuditLog.Add(new AuditLog
        {
            ActorName = SystemAuditActor.System.Name, Action = action, EntityType = entityType, EntityId = entityId.ToString(),
            TenantId = tenantId, Before = JsonSerializer.SerializeToDocument(before), After = JsonSerializer.SerializeToDocument(after),
            Created = now,
        });
}
