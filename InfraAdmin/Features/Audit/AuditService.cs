using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Features.Audit;

/// <summary>The /audit filters, as they appear in the query string.</summary>
public sealed record AuditFilter(
    string? Entity = null, string? EntityId = null, string? Actor = null, string? Action = null,
    Guid? Tenant = null, DateTime? From = null, DateTime? To = null)
{
    /// <summary>The filter from the query string as typed (the page and its CSV export); bad values are left out and recorded in <paramref name="f"/>.</summary>
    public static AuditFilter FromQuery(QueryFilters f, string? entity, string? entityId, string? actor, string? action,
        string? tenant, string? from, string? to) =>
        new(f.Text("entity", entity), f.Text("entity_id", entityId), f.Text("actor", actor), f.Text("action", action),
            f.Guid("tenant", tenant), f.Date("from", from), f.Date("to", to));
}

public sealed record AuditRow(
    long Id, DateTime Created, string? ActorName, Guid? ActorId, string Action, string EntityType, string? EntityId,
    Guid? TenantId, string? Before, string? After, string? IpAddress);

public sealed record AuditResults(GridTotal Total, IReadOnlyList<AuditRow> Rows);

/// <summary>The audit area's settings (section <c>Audit</c>), checked at start-up.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Up to this many matching rows (the planner's estimate) the page counts them exactly; above it, it shows the
    /// estimate ("about 5,000,000"): an exact count of a million rows takes about 50 ms here.
    /// </summary>
    public long ExactCountUpTo { get; set; } = 1_000_000;
}

/// <summary>Reads the audit log (audit.view), filtered and paged in the database, newest first.</summary>
public sealed class AuditService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, IOptions<AuditOptions> options)
{
    public async Task<AuditResults> SearchAsync(AuditFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Audit.View);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var (total, rows) = await dbFactory.CountAndPageAsync(
            db => Apply(db, filter).CountOrEstimateAsync(db, options.Value.ExactCountUpTo, ct),
            db => Apply(db, filter).OrderByDescending(a => a.Created).ThenByDescending(a => a.Id)
                .Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToListAsync(ct),
            ct);
        return new AuditResults(total, rows.Select(ToRow).ToList());
    }

    public async Task<IReadOnlyList<AuditRow>> ExportAsync(AuditFilter filter, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Audit.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await Apply(db, filter).OrderByDescending(a => a.Created).ThenByDescending(a => a.Id).Take(Csv.MaxRows).ToListAsync(ct);
        return rows.Select(ToRow).ToList();
    }

    /// <summary>The entity types that occur in the log, for the filter's pick list.</summary>
    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Audit.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A loose index scan over ix_audit_log_entity: one index probe per entity type, where DISTINCT would read every
        // row of the log (millions at scale).
        return await db.Database.SqlQueryRaw<string>("""
            WITH RECURSIVE types AS (
                (SELECT entity_type FROM audit_log WHERE entity_type IS NOT NULL ORDER BY entity_type LIMIT 1)
                UNION ALL
                SELECT (SELECT a.entity_type FROM audit_log a WHERE a.entity_type > t.entity_type ORDER BY a.entity_type LIMIT 1)
                FROM types t WHERE t.entity_type IS NOT NULL)
            SELECT entity_type AS "Value" FROM types WHERE entity_type IS NOT NULL
            """).ToListAsync(ct);
    }

    private static IQueryable<Data.Entities.AuditLog> Apply(InfraAdminDbContext db, AuditFilter f)
    {
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Entity)) q = q.Where(a => a.EntityType == f.Entity);
        if (!string.IsNullOrWhiteSpace(f.EntityId)) q = q.Where(a => a.EntityId == f.EntityId);
        if (!string.IsNullOrWhiteSpace(f.Action))
        {
            // A retired name and the one that replaced it find each other's rows.
            var actions = Data.Audit.AuditActions.Matching(f.Action);
            q = actions.Count == 1 ? q.Where(a => a.Action == f.Action) : q.Where(a => actions.Contains(a.Action));
        }
        if (f.Tenant is { } tenant) q = q.Where(a => a.TenantId == tenant);
        if (f.From is { } from) q = q.Where(a => a.Created >= from);
        if (f.To is { } to) q = q.Where(a => a.Created < to);
        if (!string.IsNullOrWhiteSpace(f.Actor))
        {
            if (Guid.TryParse(f.Actor, out var actorId)) q = q.Where(a => a.ActorId == actorId);
            else q = q.Where(a => a.ActorName != null && EF.Functions.ILike(a.ActorName, SqlLike.Containing(f.Actor)));
        }
        return q;
    }

    private static AuditRow ToRow(Data.Entities.AuditLog a) =>
        new(a.Id, a.Created, a.ActorName, a.ActorId, a.Action, a.EntityType, a.EntityId, a.TenantId,
            a.Before?.RootElement.GetRawText(), a.After?.RootElement.GetRawText(), a.IpAddress);

    /// <summary>Pretty JSON for display; the raw text when it does not parse.</summary>
    public static string Pretty(string? json)
    {
        if (string.IsNullOrEmpty(json)) return "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
