using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Sessions;

public sealed record SessionRow(Guid Id, DateTime Created, DateTime LastSeen, DateTime Expires, string? IpAddress, string Browser, bool IsCurrent);

/// <summary>A page of <paramref name="UserId"/>'s sign-ins (the caller's: the live page listens to that user's only).</summary>
public sealed record SessionPage(IReadOnlyList<SessionRow> Rows, int Total, int Page, int PageSize, Guid UserId);

/// <summary>"Your sign-ins": a signed-in user's own active sessions, and ending one or all the others (audited).</summary>
public sealed class SessionService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, SessionStore sessions, TimeProvider clock)
{
    public const int PageSize = 20;

    /// <summary>The caller's active sign-ins, newest first, a page at a time (the current one is marked).</summary>
    public async Task<SessionPage> ListAsync(int page = 1, CancellationToken ct = default)
    {
        var (userId, current) = await CallerAsync();
        page = Math.Max(1, page);
        var now = clock.GetUtcNow().UtcDateTime;
        var (total, rows) = await dbFactory.CountAndPageAsync(
            db => Active(db, userId, now).CountAsync(ct),
            db => Active(db, userId, now).OrderByDescending(s => s.Id == current).ThenByDescending(s => s.Created)
                .Skip((page - 1) * PageSize).Take(PageSize)
                .Select(s => new { s.Id, s.Created, s.LastSeen, s.Expires, s.IpAddress, s.UserAgent })
                .ToListAsync(ct), ct);
        return new SessionPage(
            rows.Select(s => new SessionRow(s.Id, s.Created, s.LastSeen, s.Expires, s.IpAddress, BrowserName.Describe(s.UserAgent), s.Id == current)).ToList(),
            total, page, PageSize, userId);
    }

    /// <summary>Ends one of the caller's own sign-ins (on every instance within seconds). False when it had ended already.</summary>
    public async Task<bool> EndAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (userId, current) = await CallerAsync();
        var ended = await sessions.EndAsync(userId, sessionId == current ? SessionEndReason.SignedOut : SessionEndReason.SignedOutElsewhere, only: sessionId, ct: ct);
        if (ended > 0) await AuditAsync(userId, AuditActions.SessionEnd, new { session = sessionId }, ct);
        return ended > 0;
    }

    /// <summary>Ends every sign-in of the caller but the one they are using; returns how many ended.</summary>
    public async Task<int> EndOthersAsync(CancellationToken ct = default)
    {
        var (userId, current) = await CallerAsync();
        var ended = await sessions.EndAsync(userId, SessionEndReason.SignedOutElsewhere, except: current, ct: ct);
        if (ended > 0) await AuditAsync(userId, AuditActions.SessionEndOthers, new { ended, kept = current }, ct);
        return ended;
    }

    private static IQueryable<UserSession> Active(InfraAdminDbContext db, Guid userId, DateTime now) =>
        db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.Ended == null && s.Expires > now);

    private async Task<(Guid UserId, Guid? Current)> CallerAsync()
    {
        var principal = await currentUser.GetPrincipalAsync();
        var userId = InfraAdminAuthorizationHandler.UserIdOf(principal) ?? throw new PermissionDeniedException("Sign in to see your sign-ins.");
        return (userId, SessionStore.SessionIdOf(principal));
    }

    private async Task AuditAsync(Guid userId, string action, object detail, CancellationToken ct)
    {
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEnabled = false;
        db.AuditLog.Add(new AuditLog
        {
            Action = action, EntityType = "user_sessions", EntityId = userId.ToString(), ActorId = actor.UserId, ActorName = actor.Name,
            IpAddress = actor.IpAddress, After = JsonSerializer.SerializeToDocument(detail), Created = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }
}
