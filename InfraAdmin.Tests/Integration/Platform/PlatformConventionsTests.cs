using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Platform;

/// <summary>
/// The built app as a real process follows the platform's conventions: it listens where ASPNETCORE_URLS or
/// ASPNETCORE_HTTP_PORTS say (the default only when nothing does), and a first migrate prints no "fail:" line.
/// </summary>
public sealed class PlatformConventionsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public static TheoryData<string> ListenSettings => ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS"];

    [Theory]
    [MemberData(nameof(ListenSettings))]
    public async Task The_app_listens_where_the_environment_says(string variable)
    {
        var port = FreePort();
        var value = variable == "ASPNETCORE_URLS" ? $"http://127.0.0.1:{port}" : port.ToString();
        await using var app = AppProcess.Start([], database.ConnectionString, new() { [variable] = value });

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var status = await app.PollAsync(async () =>
        {
            try { return (await http.GetAsync($"http://127.0.0.1:{port}/health", Ct)).StatusCode; }
            catch (HttpRequestException) { return (HttpStatusCode?)null; }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested) { return null; }
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(app.Output, line => line.Contains("Now listening on:") && line.Contains($":{port}"));
        Assert.DoesNotContain(app.Output, line => line.Contains(":5080"));
    }

    [Fact]
    public async Task A_first_migrate_of_an_empty_database_logs_no_failure()
    {
        var name = "ia_test_empty_" + Guid.NewGuid().ToString("N")[..12];
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Pooling = false };
        var target = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Database = name, Pooling = false }.ConnectionString;
        await ExecAsync(server.ConnectionString, $"CREATE DATABASE \"{name}\"");
        try
        {
            int exitCode;
            IReadOnlyList<string> output;
            await using (var migrate = AppProcess.Start(["migrate"], target, []))
            {
                exitCode = await migrate.WaitForExitAsync(TimeSpan.FromSeconds(120));
                output = migrate.Output;
            }

            Assert.True(exitCode == 0, string.Join("\n", output));
            Assert.Contains("Database migrated.", output);
            Assert.DoesNotContain(output, line => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal));
            await using var db = Data.DbSetup.CreateContext(target);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
            Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(Ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    [Fact]
    public void The_default_address_applies_only_when_nothing_names_one()
    {
        static bool Names(params (string Key, string Value)[] settings) => Hosting.NamesListenAddresses(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

        Assert.False(Names());
        Assert.False(Names(("urls", "")));
        Assert.True(Names(("urls", "http://0.0.0.0:8080")));
        Assert.True(Names(("http_ports", "8080")));
        Assert.True(Names(("https_ports", "8443")));
        Assert.True(Names(("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:8080")));
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>InfraAdmin.dll from the test output, with only the listed address settings in its environment.</summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        private static readonly string[] AddressVariables =
            ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS", "URLS", "HTTP_PORTS", "HTTPS_PORTS"];

        private readonly Process _process;
        private readonly List<string> _output = [];

        private AppProcess(Process process) => _process = process;

        public IReadOnlyList<string> Output { get { lock (_output) return _output.ToList(); } }

        public static AppProcess Start(string[] args, string connectionString, Dictionary<string, string> environment)
        {
            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "InfraAdmin.dll"), .. args])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var variable in AddressVariables) info.Environment.Remove(variable);
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // the plain console logger: "fail:" lines
            info.Environment["ConnectionStrings__InfraAdmin"] = connectionString;
            foreach (var (k, v) in environment) info.Environment[k] = v;
            var app = new AppProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the app"));
            app._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (app._output) app._output.Add(e.Data); };
            app._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (app._output) app._output.Add(e.Data); };
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            return app;
        }

        /// <summary>Asks until there is an answer, the app exits or 60 s pass.</summary>
        public async Task<T?> PollAsync<T>(Func<Task<T?>> ask) where T : struct
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                if (await ask() is { } answer) return answer;
                await Task.Delay(250, Ct); // still starting: ask again
            }
            return null;
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(timeout);
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
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
}
