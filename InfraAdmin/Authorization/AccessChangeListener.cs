using InfraAdmin.Data;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Authorization;

/// <summary>
/// Relays "who may do what changed" between app instances: a change sends NOTIFY on <see cref="Channel"/> (or a
/// session's end on <see cref="SessionStore.Channel"/>), and every instance's <see cref="DatabaseListener"/> hears it
/// here and clears its <see cref="PermissionStore"/> (or <see cref="SessionStore"/>) cache.
/// </summary>
public sealed class AccessChangeListener(PermissionStore store, SessionStore sessions) : IDatabaseNotificationHandler
{
    public const string Channel = "infraadmin_access_changed";

    /// <summary>Tells every instance (this one included) that permissions, roles, staff or policies changed.</summary>
    public static Task NotifyAsync(InfraAdminDbContext db, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync($"NOTIFY {Channel}", ct);

    public IReadOnlyList<string> Channels => [Channel, SessionStore.Channel];

    public void OnNotification(string channel, string payload)
    {
        if (channel == SessionStore.Channel) sessions.Forget();
        else store.Invalidate();
    }

    /// <summary>Anything may have changed while we were not listening.</summary>
    public void OnListening()
    {
        store.Invalidate();
        sessions.Forget();
    }
}
