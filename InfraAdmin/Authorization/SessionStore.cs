using System.Collections.Concurrent;
using System.Security.Claims;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Authorization;

/// <summary>
/// The server-side record of every sign-in (<c>user_sessions</c>). The auth cookie carries the session's id; each
/// request and each open circuit's revalidation asks whether it is still active, so ending it ends the sign-in
/// whoever holds a copy of the cookie. Answers are cached for a few seconds and every instance clears its cache the
/// moment a session ends anywhere (<see cref="AccessChangeListener"/> relays <see cref="Channel"/>).
/// </summary>
public sealed class SessionStore(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider clock)
{
    public const string ClaimType = "infraadmin:sid";
    public const string Channel = "infraadmin_session_ended";
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _active = new();

    public static Guid? SessionIdOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimType), out var id) ? id : null;

    public async Task<Guid> StartAsync(Guid userId, DateTimeOffset expires, string? ipAddress, string? userAgent, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEnabled = false; // the sign-in itself is audited by AppSignInManager
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new UserSession
        {
            UserId = userId, Created = now, LastSeen = now, Expires = expires.UtcDateTime,
            IpAddress = ipAddress, UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    /// <summary>True while the principal's session has not ended or expired; notes when it was last seen.</summary>
    public async Task<bool> IsActiveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (SessionIdOf(principal) is not { } sessionId || InfraAdminAuthorizationHandler.UserIdOf(principal) is not { } userId) return false;
        var now = clock.GetUtcNow();
        if (_active.TryGetValue(sessionId, out var until) && until > now) return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var utcNow = now.UtcDateTime;
        var touched = await db.UserSessions
            .Where(s => s.Id == sessionId && s.UserId == userId && s.Ended == null && s.Expires > utcNow)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeen, utcNow), ct);
        if (touched == 0)
        {
            _active.TryRemove(sessionId, out _);
            return false;
        }
        _active[sessionId] = now + CacheLifetime;
        return true;
    }

    /// <summary>
    /// Ends the user's active sessions (only <paramref name="only"/>, or all but <paramref name="except"/>) on every
    /// instance; returns how many ended.
    /// </summary>
    public async Task<int> EndAsync(Guid userId, string reason, Guid? only = null, Guid? except = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var ended = await db.UserSessions
            .Where(s => s.UserId == userId && s.Ended == null && (only == null || s.Id == only) && (except == null || s.Id != except))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Ended, now).SetProperty(x => x.EndReason, reason), ct);
        if (ended > 0)
        {
            Forget();
            await db.Database.ExecuteSqlRawAsync($"NOTIFY {Channel}", ct);
        }
        return ended;
    }

    /// <summary>Drops every cached answer (a session ended somewhere, or the listener reconnected).</summary>
    public void Forget() => _active.Clear();
}
