using Yarp.ReverseProxy.Configuration;

namespace InfraAdmin.E2E.Support;

/// <summary>A YARP reverse proxy in front of two app instances, with cookie session affinity and active health checks.</summary>
public sealed class TwoInstanceProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TwoInstanceProxy(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<TwoInstanceProxy> StartAsync(params string[] destinations)
    {
        var baseUrl = $"http://127.0.0.1:{AppServer.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseUrl);
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "app", ClusterId = "instances", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "instances",
                LoadBalancingPolicy = "RoundRobin",
                SessionAffinity = new SessionAffinityConfig { Enabled = true, Policy = "Cookie", AffinityKeyName = "InfraAdmin.Affinity" },
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1), Policy = "ConsecutiveFailures", Path = "/health" },
                },
                Destinations = destinations.Select((d, i) => (d, i)).ToDictionary(x => "instance" + x.i, x => new DestinationConfig { Address = x.d }),
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new TwoInstanceProxy(app, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
