using System.Text.Json;
using System.Text.Json.Nodes;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InfraAdmin.Data.Audit;

/// <summary>
/// Writes one <c>audit_log</c> row per added, changed or deleted entity in the same transaction as the
/// change, so no service has to remember to. Secrets are redacted; bookkeeping-only changes are skipped.
/// </summary>
public sealed class AuditInterceptor(IAuditActorAccessor actorAccessor, TimeProvider time) : SaveChangesInterceptor
{
    private static readonly HashSet<Type> NotAudited = [typeof(AuditLog), typeof(DataProtectionKey), typeof(TenantCostDaily), typeof(TenantCostMonthly), typeof(CostRefreshPending), typeof(SmtpIpListing), typeof(AlertWebhookDelivery)];

    /// <summary>User columns that change on every sign-in attempt: bookkeeping, audited as sign-in events instead.</summary>
    private static readonly HashSet<string> SignInBookkeeping =
        ["access_failed_count", "lockout_end", "concurrency_stamp", "last_sign_in", "updated"];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is InfraAdminDbContext db) await AddAuditRowsAsync(db);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is InfraAdminDbContext db) AddAuditRowsAsync(db).AsTask().GetAwaiter().GetResult();
        return result;
    }

    private async ValueTask AddAuditRowsAsync(InfraAdminDbContext db)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var entries = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        foreach (var entry in entries.Where(e => e.State == EntityState.Added))
        {
            // Give new rows their uuid now (rather than from the column default) so the audit row can name them.
            foreach (var key in entry.Metadata.FindPrimaryKey()?.Properties ?? [])
            {
                var p = entry.Property(key.Name);
                if (p.IsTemporary && key.ClrType == typeof(Guid)) p.CurrentValue = Guid.CreateVersion7();
            }
        }
        foreach (var entry in entries.Where(e => e.State == EntityState.Modified))
        {
            var updated = entry.Properties.FirstOrDefault(p => p.Metadata.GetColumnName() == "updated");
            if (updated is not null) updated.CurrentValue = now;
        }
        if (!db.AuditEnabled) return;

        var rows = new List<AuditLog>();
        AuditActor? actor = null;
        foreach (var entry in entries)
        {
            if (NotAudited.Contains(entry.Metadata.ClrType)) continue;
            var row = Describe(entry);
            if (row is null) continue;
            actor ??= await actorAccessor.GetActorAsync();
            row.ActorId = actor.UserId;
            row.ActorName = actor.Name;
            row.IpAddress = actor.IpAddress;
            row.Created = now;
            if (db.AuditAction is { } verb) row.Action = verb;
            rows.Add(row);
        }
        db.AuditLog.AddRange(rows);
        db.AuditAction = null;
    }

    private static AuditLog? Describe(EntityEntry entry)
    {
        var table = entry.Metadata.GetTableName() ?? entry.Metadata.ClrType.Name;
        var sensitiveRow = entry.Entity is SystemConfig config && (config.IsSensitive ?? false)
            || entry.Entity is SystemConfig && entry.State == EntityState.Modified
               && entry.Property(nameof(SystemConfig.IsSensitive)).OriginalValue is true;

        JsonObject? before = null, after = null;
        foreach (var p in entry.Properties)
        {
            var column = p.Metadata.GetColumnName();
            if (column == "xmin") continue;
            var redact = AuditRedaction.IsSensitiveColumn(table, column) || sensitiveRow && column == "value";
            switch (entry.State)
            {
                case EntityState.Added:
                    (after ??= [])[column] = ToNode(p.CurrentValue, redact);
                    break;
                case EntityState.Deleted:
                    (before ??= [])[column] = ToNode(p.OriginalValue, redact);
                    break;
                case EntityState.Modified when p.IsModified && !Equals(p.OriginalValue, p.CurrentValue) && !JsonEqual(p.OriginalValue, p.CurrentValue):
                    if (column == "updated") break;
                    (before ??= [])[column] = ToNode(p.OriginalValue, redact);
                    (after ??= [])[column] = ToNode(p.CurrentValue, redact);
                    break;
            }
        }
        if (entry.State == EntityState.Modified)
        {
            if (after is null) return null;
            if (entry.Entity is AppUser && after.All(kv => SignInBookkeeping.Contains(kv.Key))) return null;
        }

        var key = entry.Metadata.FindPrimaryKey();
        var id = key is null ? null : string.Join(",", key.Properties.Select(k => entry.Property(k.Name).CurrentValue?.ToString()));
        return new AuditLog
        {
            Action = entry.State switch { EntityState.Added => AuditActions.Create, EntityState.Deleted => AuditActions.Delete, _ => AuditActions.Update },
            EntityType = table,
            EntityId = id,
            TenantId = TenantOf(entry),
            Before = before is null ? null : JsonDocument.Parse(before.ToJsonString()),
            After = after is null ? null : JsonDocument.Parse(after.ToJsonString()),
        };
    }

    private static Guid? TenantOf(EntityEntry entry) => entry.Entity switch
    {
        Tenant t => t.Id,
        TenantConfig c => c.TenantId,
        TenantPolicies p => p.TenantId,
        Domain d => d.TenantId,
        AppUser u => u.TenantId,
        Campaign c => c.TenantId,
        Lead l => l.TenantId,
        EmailAccount a => a.TenantId,
        _ => null,
    };

    private static bool JsonEqual(object? a, object? b) =>
        a is JsonDocument ja && b is JsonDocument jb && JsonElement.DeepEquals(ja.RootElement, jb.RootElement);

    private static JsonNode? ToNode(object? value, bool redact)
    {
        if (value is null) return null;
        if (redact) return JsonValue.Create(AuditRedaction.Redacted);
        return value switch
        {
            JsonDocument doc => JsonNode.Parse(doc.RootElement.GetRawText()),
            DateTime dt => JsonValue.Create(DateTime.SpecifyKind(dt, DateTimeKind.Utc).ToString("O")),
            _ => JsonSerializer.SerializeToNode(value),
        };
    }
}
