extern alias app;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using InfraAdmin.Data.Seeding;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace InfraAdmin.Benchmarks;

/// <summary>
/// <c>pages</c>: the whole page as a user gets it, against the data set in ConnectionStrings__InfraAdmin. The real app
/// (its Program, on Kestrel at 127.0.0.1) runs in this process, so the managed memory each open page (Blazor circuit)
/// holds can be read exactly: for each dashboard, the HTML size and the time of one signed-in load, full page loads
/// per second under a bounded number of concurrent clients, and the memory of N open pages in the system Chromium.
/// </summary>
public static class PageBenchmark
{
    public static readonly string[] Pages =
        ["/", "/alerts", "/ip-reputation", "/vps", "/costs", "/tenants", "/staff", "/audit", "/settings/system", "/settings/feature-flags", "/account/preferences"];

    public static async Task RunAsync(string connectionString, string[] args)
    {
        var concurrency = IntArg(args, "--concurrency", 20);
        var seconds = IntArg(args, "--seconds", 10);
        var circuits = IntArg(args, "--circuits", 10);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var save = args.SkipWhile(a => a != "--save").Skip(1).FirstOrDefault(); // a folder for each page's HTML
        // A folder for a heap snapshot (dotnet-gcdump) taken while each page's circuits are open: what holds the memory.
        var gcdump = args.SkipWhile(a => a != "--gcdump").Skip(1).FirstOrDefault();
        var showComponents = args.Contains("--components"); // each page's components by type

        var pages = Pages.Where(p => only is null || p.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();

        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        await using var app = new BenchmarkApp(connectionString, baseUrl);
        app.UseKestrel(port);
        app.StartServer();
        var counter = app.Services.GetServices<CircuitHandler>().OfType<CircuitCounter>().Single();

        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false, MaxConnectionsPerServer = 1000 })
            { BaseAddress = new Uri(baseUrl) };
        await SignInAsync(http, DemoSeeder.Accounts.Admin, DemoSeeder.DemoPassword);

        Console.WriteLine($"InfraAdmin page benchmark: {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, signed in as {DemoSeeder.Accounts.Admin}; " +
                          $"loads/s with {concurrency} concurrent clients for {seconds} s; memory of {circuits} open pages in Chromium");
        var rows = new List<string>();
        await using var browser = await Browser.StartAsync(baseUrl, cookies);
        foreach (var path in pages)
        {
            var (bytes, single) = await SingleLoadAsync(http, path);
            if (save is not null)
            {
                Directory.CreateDirectory(save);
                await File.WriteAllTextAsync(Path.Combine(save, FileName(path) + ".html"), await GetPageAsync(http, path));
            }
            var load = await LoadAsync(http, path, concurrency, TimeSpan.FromSeconds(seconds));
            var memory = await browser.MemoryPerPageAsync(path, circuits, counter, gcdump);
            var row = $"| `{path}` | {bytes / 1024.0:F1} | {single:F0} | {load.PerSecond:F0} | {load.P50:F0} | {load.P95:F0} | {load.Errors} | {load.CpuMsPerLoad:F1} | {memory.ComponentCount} | {memory.FramesHeld} | {memory.PerPageMb:F2} | {memory.RssPerPageMb:F1} |";
            Console.WriteLine(row);
            if (showComponents && memory.Components is { } parts)
            {
                Console.WriteLine("    components (render tree frames they hold): " + string.Join(", ", parts.Select(c => $"{c.Count} {c.Type} ({c.Frames})")));
            }
            rows.Add(row);
        }
        Console.WriteLine();
        Console.WriteLine("| page | HTML KB | one load ms | loads/s | p50 ms | p95 ms | errors | CPU ms per load | components per open page | render tree frames held | managed MB per open page | RSS MB per open page |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows) Console.WriteLine(row);
    }

    /// <summary>The page's HTML size and the median time of 10 signed-in loads, after 3 to warm up.</summary>
    private static async Task<(long Bytes, double Ms)> SingleLoadAsync(HttpClient http, string path)
    {
        long bytes = 0;
        var times = new List<double>();
        for (var i = 0; i < 13; i++)
        {
            var watch = Stopwatch.StartNew();
            var html = await GetPageAsync(http, path);
            watch.Stop();
            bytes = html.Length;
            if (i >= 3) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (bytes, Percentile(times, 0.5));
    }

    /// <summary>Loads per second and their latency; also the process's CPU time per load (the client's share included),
    /// which holds steadier on a busy machine than loads per second do: on 2 cores, 10 ms a load is at most 200 loads/s.</summary>
    private sealed record Load(double PerSecond, double P50, double P95, int Errors, double CpuMsPerLoad);

    /// <summary>Clients that each load the page again as soon as the last load finished, for the given time.</summary>
    private static async Task<Load> LoadAsync(HttpClient http, string path, int clients, TimeSpan duration)
    {
        var times = new List<double>();
        var errors = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var until = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            while (until.Elapsed < duration)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    await GetPageAsync(http, path);
                    lock (times) times.Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        var loads = Math.Max(1, times.Count);
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        return new Load(times.Count / until.Elapsed.TotalSeconds, Percentile(times, 0.5), Percentile(times, 0.95), errors, cpuMs / loads);
    }

    internal static async Task<string> GetPageAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} {response.Headers.Location}");
        return html;
    }

    internal static async Task SignInAsync(HttpClient http, string email, string password)
    {
        var page = await http.GetStringAsync("/Account/Login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var response = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode}");
    }

    internal static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    /// <summary>A page's path as a file name: <c>/settings/system</c> is settings_system, <c>/</c> is home.</summary>
    private static string FileName(string path) => path.Trim('/').Replace('/', '_') is { Length: > 0 } n ? n : "home";

    internal static int IntArg(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app's Program over the benchmark's database, jobs off, limits out of the way, its circuits counted.</summary>
    internal sealed class BenchmarkApp(string connectionString, string baseUrl) : WebApplicationFactory<app::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Benchmark");
            builder.UseStaticWebAssets(); // the framework's and MudBlazor's scripts, as `dotnet run` serves them
            builder.UseSetting("ConnectionStrings:InfraAdmin", connectionString);
            builder.UseSetting("Jobs:RunServer", "false");
            builder.UseSetting("PublicUrl", baseUrl);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var kind in new[] { "SignIn", "Api" })
            {
                builder.UseSetting($"RateLimits:{kind}:PerClient", "1000000");
                builder.UseSetting($"RateLimits:{kind}:PerAccount", "1000000");
            }
            builder.ConfigureServices(services => services.AddSingleton<CircuitHandler, CircuitCounter>());
        }
    }

    /// <summary>How many circuits (open interactive pages) the server holds.</summary>
    public sealed class CircuitCounter : CircuitHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Circuit> _circuits = new();
        public int Open => _circuits.Count;

        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken ct)
        {
            _circuits[circuit.Id] = circuit;
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken ct)
        {
            _circuits.TryRemove(circuit.Id, out _);
            return Task.CompletedTask;
        }

        /// <summary>
        /// What one open page is made of: its components by type, most first. A diagnostic that reads the framework's
        /// private fields (Circuit → CircuitHost → its renderer's component states); null if a new version moved them.
        /// </summary>
        public IReadOnlyList<ComponentShare>? ComponentsOfOnePage()
        {
            var host = FieldValue(_circuits.Values.FirstOrDefault(), "_circuitHost");
            var renderer = host?.GetType().GetProperty("Renderer", Private)?.GetValue(host);
            if (FieldValue(renderer, "_componentStateById") is not System.Collections.IDictionary byId) return null;
            lock (byId.SyncRoot)
            {
                return byId.Values.Cast<object>()
                    .Select(state => (Type: state.GetType().GetProperty("Component", Private)?.GetValue(state)?.GetType().Name ?? "?",
                        Frames: FramesHeld(state)))
                    .GroupBy(c => c.Type)
                    .Select(g => new ComponentShare(g.Key, g.Count(), g.Sum(c => c.Frames)))
                    .OrderByDescending(g => g.Count).ToList();
            }
        }

        private const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance;

        /// <summary>
        /// The render tree frames a component's state holds between renders: the capacity of its current and its next
        /// render tree (each an array that grows by doubling and is kept for the next render), the bulk of a circuit's memory.
        /// </summary>
        private static int FramesHeld(object state)
        {
            var frames = 0;
            for (var type = state.GetType(); type is not null; type = type.BaseType)
                foreach (var field in type.GetFields(Private | System.Reflection.BindingFlags.DeclaredOnly))
                    if (field.FieldType == typeof(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder))
                        frames += Capacity(field.GetValue(state));
            return frames;

            static int Capacity(object? builder) => (FieldValue(FieldValue(builder, "_entries"), "_items") as Array)?.Length ?? 0;
        }

        /// <summary>The value of <paramref name="target"/>'s private field <paramref name="name"/>, declared by its type or a base type.</summary>
        private static object? FieldValue(object? target, string name)
        {
            for (var type = target?.GetType(); type is not null; type = type.BaseType)
                if (type.GetField(name, Private | System.Reflection.BindingFlags.DeclaredOnly) is { } field)
                    return field.GetValue(target);
            return null;
        }
    }

    /// <summary>Components of one type on a page: how many, and the render tree frames their states hold.</summary>
    public sealed record ComponentShare(string Type, int Count, int Frames);

    internal sealed record Memory(double PerPageMb, double RssPerPageMb, IReadOnlyList<ComponentShare>? Components)
    {
        public string ComponentCount => Components is null ? "?" : Components.Sum(c => c.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        public string FramesHeld => Components is null ? "?" : Components.Sum(c => c.Frames).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The system Chromium, signed in with the benchmark's cookies.</summary>
    internal sealed class Browser : IAsyncDisposable
    {
        private IPlaywright _playwright = default!;
        private IBrowser _browser = default!;
        private IBrowserContext _context = default!;

        /// <param name="lowPriority">
        /// Chromium at the lowest CPU priority (nice 19): the app and its load clients come first, as they would with the
        /// users' browsers on their own machines, and Chromium gets what is left of the 2 cores.
        /// </param>
        /// <param name="cpus">
        /// Chromium on these CPUs only (<c>taskset -c</c>, e.g. "1"): with the benchmark itself and PostgreSQL started on
        /// the others, the nearest one machine gets to a server and its users' browsers on separate machines.
        /// </param>
        public static async Task<Browser> StartAsync(string baseUrl, CookieContainer cookies, bool lowPriority = false, string? cpus = null)
        {
            var b = new Browser { _playwright = await Playwright.CreateAsync() };
            b._browser = await b._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = lowPriority || cpus is not null ? WrappedChromium(lowPriority, cpus) : "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            b._context = await b._browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
            b._context.SetDefaultTimeout(120_000);
            await b._context.AddCookiesAsync(cookies.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie
            {
                Name = c.Name, Value = c.Value, Domain = "127.0.0.1", Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure,
            }));
            return b;
        }

        /// <summary>A script that starts the system Chromium under <c>nice -n 19</c> and/or <c>taskset -c</c> (its renderers inherit both).</summary>
        private static string WrappedChromium(bool lowPriority, string? cpus)
        {
            if (cpus is not null && !System.Text.RegularExpressions.Regex.IsMatch(cpus, "^[0-9,-]+$"))
                throw new ArgumentException($"--browser-cpus takes a CPU list such as 1 or 2-3, not '{cpus}'.");
            var path = Path.Combine(Path.GetTempPath(), $"infraadmin-chromium-{(lowPriority ? "nice" : "normal")}-{cpus ?? "all"}.sh");
            File.WriteAllText(path, "#!/bin/sh\nexec " + (cpus is null ? "" : $"taskset -c {cpus} ") + (lowPriority ? "nice -n 19 " : "") + "/usr/bin/chromium \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return path;
        }

        /// <summary>
        /// Opens the page <paramref name="count"/> times (each its own circuit), waits until each is interactive and has
        /// loaded, and divides the growth of the server's managed heap (after full collections) by the count.
        /// </summary>
        public async Task<Memory> MemoryPerPageAsync(string path, int count, CircuitCounter counter, string? gcdumpFolder = null)
        {
            // One page first so that what every page shares (compiled code, caches) is not counted per page.
            var warm = await OpenAsync(path);
            await warm.CloseAsync(new() { RunBeforeUnload = true });
            await WaitForAsync(() => counter.Open == 0);
            var (before, rssBefore) = Measure();
            var pages = new List<IPage>();
            for (var i = 0; i < count; i++) pages.Add(await OpenAsync(path));
            await WaitForAsync(() => counter.Open == count);
            var (after, rssAfter) = Measure();
            var components = counter.ComponentsOfOnePage();
            if (gcdumpFolder is not null) await HeapSnapshotAsync(gcdumpFolder, path);
            foreach (var p in pages) await p.CloseAsync(new() { RunBeforeUnload = true });
            await WaitForAsync(() => counter.Open == 0);
            return new Memory((after - before) / 1048576.0 / count, (rssAfter - rssBefore) / 1048576.0 / count, components);
        }

        public async Task<IPage> OpenAsync(string path)
        {
            var page = await _context.NewPageAsync();
            await page.GotoAsync(path);
            await page.Locator(".mud-layout[data-circuit='on']").WaitForAsync();
            // Loaded: no grid or panel is still fetching (every loading bar of the app is a named progressbar).
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[role=progressbar]').length === 0",
                null, new() { Timeout = 120_000 });
            return page;
        }

        /// <summary>Runs <c>dotnet-gcdump collect</c> on this process (read it with <c>dotnet-gcdump report</c>).</summary>
        private static async Task HeapSnapshotAsync(string folder, string path)
        {
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, FileName(path) + ".gcdump");
            using var tool = Process.Start(new ProcessStartInfo("dotnet-gcdump", ["collect", "-p", Environment.ProcessId.ToString(), "-o", file])
                { RedirectStandardOutput = true }) ?? throw new InvalidOperationException("dotnet-gcdump did not start (dotnet tool install -g dotnet-gcdump)");
            await tool.StandardOutput.ReadToEndAsync();
            await tool.WaitForExitAsync();
            Console.WriteLine($"  heap snapshot of {path}: {file}");
        }

        public static (long Managed, long Rss) Measure()
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }
            using var self = Process.GetCurrentProcess();
            return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
        }

        private static async Task WaitForAsync(Func<bool> condition)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("The server's circuits did not reach the expected count within 2 minutes.");
                await Task.Delay(50); // polling the server's own count, which has no event to await
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _context.DisposeAsync();
            await _browser.DisposeAsync();
            _playwright.Dispose();
        }
    }
}
