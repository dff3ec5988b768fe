using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.E2E.Support;

/// <summary>The built app started as a real process on a free loopback port, over its own database.</summary>
public sealed class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private AppServer(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public string MailFolder { get; private init; } = "";
    public IReadOnlyList<string> Output { get { lock (_output) return _output.ToList(); } }

    public int Port { get; private init; }

    public static async Task<AppServer> StartAsync(TestDatabase database, IDictionary<string, string>? environment = null, int? port = null)
    {
        port ??= FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var dll = Path.Combine(AppContext.BaseDirectory, "InfraAdmin.dll");
        var mail = Path.Combine(Path.GetTempPath(), "infraadmin-e2e-mail", database.Name);
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", baseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ConnectionStrings__InfraAdmin"] = database.ConnectionString;
        info.Environment["Mail__PickupFolder"] = mail;
        info.Environment["PublicUrl"] = baseUrl;
        // Tests sign in far more often than people do.
        foreach (var kind in new[] { "SignIn", "Api" })
        {
            info.Environment[$"RateLimits__{kind}__PerClient"] = "100000";
            info.Environment[$"RateLimits__{kind}__PerAccount"] = "100000";
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app");
        var server = new AppServer(process, baseUrl) { MailFolder = mail, Port = port.Value };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var i = 0; i < 120; i++)
        {
            if (process.HasExited) throw new InvalidOperationException("The app exited: " + string.Join("\n", server.Output));
            try
            {
                if ((await http.GetAsync(baseUrl + "/health")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250); // the app is still starting: poll /health again (30 s in all)
        }
        await server.DisposeAsync();
        throw new TimeoutException("The app did not answer /health within 30 s: " + string.Join("\n", server.Output));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
