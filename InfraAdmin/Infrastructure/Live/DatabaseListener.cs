using Npgsql;

namespace InfraAdmin.Infrastructure.Live;

/// <summary>Something that wants PostgreSQL notifications on some channels (see <see cref="DatabaseListener"/>).</summary>
public interface IDatabaseNotificationHandler
{
    IReadOnlyList<string> Channels { get; }

    /// <summary>A notification on one of <see cref="Channels"/>; runs on the listener's loop, so it must be quick.</summary>
    void OnNotification(string channel, string payload);

    /// <summary>The listener is (again) listening: anything may have changed while it was not.</summary>
    void OnListening();

    /// <summary>The listener lost its connection: notifications may be missed until <see cref="OnListening"/>.</summary>
    void OnNotListening() { }
}

/// <summary>
/// The one listening connection of an app instance: LISTENs on every handler's channels and hands each notification to
/// its handlers. When the connection is lost (the server restarted, the backend was terminated, the network dropped) it
/// reconnects, after 1 s and then up to 5 s apart, and tells every handler it is listening again.
/// </summary>
public sealed class DatabaseListener(IEnumerable<IDatabaseNotificationHandler> handlers, IConfiguration configuration, ILogger<DatabaseListener> logger)
    : BackgroundService
{
    /// <summary>The listening connection's application_name (pg_stat_activity shows it).</summary>
    public const string ApplicationName = "InfraAdmin listener";

    private readonly IReadOnlyList<IDatabaseNotificationHandler> _handlers = handlers.ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("InfraAdmin"))
        {
            ApplicationName = ApplicationName,
            Pooling = false,
            KeepAlive = 30, // a silently dropped connection is noticed within about a minute
        }.ConnectionString;
        var channels = _handlers.SelectMany(h => h.Channels).Distinct().ToList();
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand(string.Concat(channels.Select(c => $"LISTEN {c};")), connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                delay = TimeSpan.FromSeconds(1);
                foreach (var handler in _handlers) handler.OnListening();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException or IOException)
            {
                foreach (var handler in _handlers) handler.OnNotListening();
                logger.LogWarning("Database listener lost its connection ({Reason}); retrying in {Delay} s", ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
                delay = TimeSpan.FromSeconds(Math.Min(5, delay.TotalSeconds * 2));
            }
        }
    }

    private void Dispatch(string channel, string payload)
    {
        foreach (var handler in _handlers)
        {
            if (!handler.Channels.Contains(channel)) continue;
            try
            {
                handler.OnNotification(channel, payload);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A notification handler failed on {Channel}", channel);
            }
        }
    }
}
