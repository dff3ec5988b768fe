using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Authorization;

/// <summary>
/// Relays "who may do what changed" between app instances: a change sends NOTIFY on <see cref="Channel"/> (or a
/// session's end on <see cref="SessionStore.Channel"/>), and every instance LISTENs and clears its
/// <see cref="PermissionStore"/> (or <see cref="SessionStore"/>) cache.
/// </summary>
public sealed class AccessChangeListener(PermissionStore store, SessionStore sessions, IConfiguration configuration, ILogger<AccessChangeListener> logger)
    : BackgroundService
{
    public const string Channel = "infraadmin_access_changed";

    /// <summary>Tells every instance (this one included) that permissions, roles, staff or policies changed.</summary>
    public static Task NotifyAsync(InfraAdminDbContext db, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync($"NOTIFY {Channel}", ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString("InfraAdmin");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == SessionStore.Channel) sessions.Forget();
                    else store.Invalidate();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {SessionStore.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Anything may have changed while we were not listening.
                store.Invalidate();
                sessions.Forget();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning("Access-change listener lost its connection ({Reason}); retrying in 5 s", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }
}
