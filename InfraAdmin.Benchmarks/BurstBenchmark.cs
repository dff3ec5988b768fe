extern alias app;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using InfraAdmin.Data.Seeding;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Playwright;
using Npgsql;

namespace InfraAdmin.Benchmarks;

/// <summary>
/// <c>burst</c> (issue 16): N open live pages (Blazor circuits in the system Chromium, a mix of the IP grid, IP detail
/// pages of IPs in the change, the VPS grid and the overview) and one UPDATE of 5,000 IPs. Measures full page loads
/// (p50/p95, bounded concurrency, the same mix) while idle and during the burst — from the UPDATE until every open page
/// has refreshed and finished reloading — how many refreshes the pages received, and the server's managed heap and RSS
/// before (after full collections), at peak (sampled every 20 ms) and after settling (after full collections).
/// The issue's target: p95 during the burst at most twice the idle p95, and memory back to its level before the burst.
/// The UPDATE swaps good and fair on the 5,000 IPs, so running it again restores them.
/// </summary>
public static class BurstBenchmark
{
    private static readonly string[] Grids = ["/ip-reputation", "/vps", "/"];

    public static async Task RunAsync(string connectionString, string[] args)
    {
        var pageCount = PageBenchmark.IntArg(args, "--pages", 100);
        var concurrency = PageBenchmark.IntArg(args, "--concurrency", 20);
        var seconds = PageBenchmark.IntArg(args, "--seconds", 5);
        var ipCount = PageBenchmark.IntArg(args, "--ips", 5000);
        var niceBrowser = args.Contains("--nice-browser"); // Chromium at nice 19: the browsers are the users', not the server's
        // --browser-cpus 1: Chromium on CPU 1 only (start the benchmark and PostgreSQL's postmaster with taskset -c 0; see README).
        var browserCpus = args.SkipWhile(a => a != "--browser-cpus").Skip(1).FirstOrDefault();

        var ids = await ChangedIpsAsync(connectionString, ipCount);
        // A quarter each: IP grid, IP detail (of IPs in the change), VPS grid, overview.
        var paths = Enumerable.Range(0, pageCount).Select(i => (i % 4) switch
        {
            0 => "/ip-reputation",
            1 => $"/ip-reputation/{ids[i * 7 % ids.Count]}",
            2 => "/vps",
            _ => "/",
        }).ToList();

        var port = PageBenchmark.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        await using var app = new PageBenchmark.BenchmarkApp(connectionString, baseUrl);
        app.UseKestrel(port);
        app.StartServer();
        var counter = app.Services.GetServices<CircuitHandler>().OfType<PageBenchmark.CircuitCounter>().Single();
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false, MaxConnectionsPerServer = 1000 })
            { BaseAddress = new Uri(baseUrl) };
        await PageBenchmark.SignInAsync(http, DemoSeeder.Accounts.Admin, DemoSeeder.DemoPassword);
        var loadPaths = Grids.Concat(paths.Where(p => p.StartsWith("/ip-reputation/", StringComparison.Ordinal)).Take(5)).ToArray();

        Console.WriteLine($"InfraAdmin burst benchmark: {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {pageCount} open pages " +
                          $"({string.Join(", ", paths.Select(Kind).GroupBy(k => k).Select(g => $"{g.Count()} {g.Key}"))}), one UPDATE of {ids.Count} IPs; " +
                          $"page loads with {concurrency} concurrent clients over {string.Join(" ", loadPaths.Select(Kind).Distinct())}" +
                          (niceBrowser ? "; Chromium at nice 19" : "") + (browserCpus is null ? "" : $"; Chromium on CPU {browserCpus} only"));

        await using var browser = await PageBenchmark.Browser.StartAsync(baseUrl, cookies, niceBrowser, browserCpus);
        var open = new List<IPage>();
        var watch = Stopwatch.StartNew();
        foreach (var path in paths) open.Add(await browser.OpenAsync(path));
        await WaitForAsync(() => counter.Open >= pageCount);
        Console.WriteLine($"  opened {open.Count} pages in {watch.Elapsed.TotalSeconds:F0} s; {counter.Open} circuits");

        await LoadAsync(http, loadPaths, concurrency, () => false, TimeSpan.FromSeconds(2)); // warm-up
        var idle = await LoadAsync(http, loadPaths, concurrency, () => false, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"  idle: {idle.Count} loads, p50 {idle.P50:F0} ms, p95 {idle.P95:F0} ms");

        var refreshesBefore = await Task.WhenAll(open.Select(RefreshesAsync));
        var before = PageBenchmark.Browser.Measure();
        var (serverCpu0, browserCpu0) = (ServerCpuSeconds(), BrowserCpuSeconds());
        using var sampler = new PeakSampler();

        // The burst: loads run from the UPDATE until every open page has refreshed and reloaded.
        var settled = false;
        var burstWatch = Stopwatch.StartNew();
        var burstLoad = LoadAsync(http, loadPaths, concurrency, () => Volatile.Read(ref settled), TimeSpan.FromMinutes(5));
        var updateMs = await UpdateAsync(connectionString, ids);
        var refreshed = await Task.WhenAll(open.Select((p, i) => WaitForRefreshAsync(p, refreshesBefore[i], burstWatch)));
        var missing = paths.Select(Kind).Zip(refreshed).Where(x => double.IsNaN(x.Second)).ToList();
        if (missing.Count > 0)
            Console.WriteLine($"  NOT refreshed within 120 s: {string.Join(", ", missing.GroupBy(x => x.First).Select(g => $"{g.Count()} {g.Key}"))}");
        var lastRefreshMs = refreshed.Where(r => !double.IsNaN(r)).DefaultIfEmpty(double.NaN).Max();
        Volatile.Write(ref settled, true);
        var burst = await burstLoad;
        var peak = sampler.Stop();
        var (serverCpu, browserCpu) = (ServerCpuSeconds() - serverCpu0, BrowserCpuSeconds() - browserCpu0);
        var after = PageBenchmark.Browser.Measure();
        var refreshesAfter = await Task.WhenAll(open.Select(RefreshesAsync));
        var received = refreshesAfter.Zip(refreshesBefore, (a, b) => a - b).ToList();

        Console.WriteLine($"  UPDATE of {ids.Count} IPs: {updateMs:F0} ms; every page had refreshed and reloaded {lastRefreshMs:F0} ms after it started " +
                          $"(median page {Percentile(refreshed.Where(r => !double.IsNaN(r)), 0.5):F0} ms)");
        Console.WriteLine($"  CPU during the burst ({burstWatch.Elapsed.TotalSeconds:F1} s, {Environment.ProcessorCount} cores): this process (app, load clients) {serverCpu:F1} s, " +
                          $"Chromium (the {open.Count} pages applying their updates) {browserCpu:F1} s");
        Console.WriteLine($"  burst: {burst.Count} loads, p50 {burst.P50:F0} ms, p95 {burst.P95:F0} ms ({burst.P95 / idle.P95:F2}× idle)");
        Console.WriteLine($"  refreshes received: {received.Sum()} on {received.Count(r => r > 0)} of {open.Count} pages " +
                          $"(per page: {string.Join(", ", paths.Select(Kind).Zip(received).GroupBy(x => x.First).Select(g => $"{g.Key} {g.Min(x => x.Second)}–{g.Max(x => x.Second)}"))})");
        Console.WriteLine();
        Console.WriteLine("| open pages | IPs changed | idle p50 ms | idle p95 ms | burst p50 ms | burst p95 ms | burst ÷ idle p95 | all refreshed after ms | refreshes | managed MB before / peak / after | RSS MB before / peak / after |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {open.Count} | {ids.Count} | {idle.P50:F0} | {idle.P95:F0} | {burst.P50:F0} | {burst.P95:F0} | {burst.P95 / idle.P95:F2} | {lastRefreshMs:F0} | {received.Sum()} | " +
            $"{Mb(before.Managed):F0} / {Mb(peak.Managed):F0} / {Mb(after.Managed):F0} | {Mb(before.Rss):F0} / {Mb(peak.Rss):F0} / {Mb(after.Rss):F0} |"));
        foreach (var p in open) await p.CloseAsync(new() { RunBeforeUnload = true });
    }

    private static string Kind(string path) => path switch
    {
        "/" => "overview",
        "/vps" => "vps grid",
        "/ip-reputation" => "ip grid",
        _ => "ip detail",
    };

    private static double Mb(long bytes) => bytes / 1048576.0;

    private static double ServerCpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>CPU seconds of every Chromium process so far (Linux /proc; 0 elsewhere): the browser shares this machine's cores.</summary>
    private static double BrowserCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (!stat[..close].Contains("chrom", StringComparison.OrdinalIgnoreCase)) continue;
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
            }
        }
        return ticks / 100.0; // USER_HZ
    }

    /// <summary>The IPs the UPDATE changes: good or fair ones (it swaps the two), in a stable order.</summary>
    private static async Task<List<Guid>> ChangedIpsAsync(string connectionString, int count)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id FROM smtp_ip_addresses WHERE reputation_state IN ('good', 'fair') ORDER BY id LIMIT @n", conn);
        cmd.Parameters.AddWithValue("n", count);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        if (ids.Count < count) throw new InvalidOperationException($"Only {ids.Count} good or fair IPs; the burst needs {count}.");
        return ids;
    }

    /// <summary>One statement, as an import or a bulk action would send: good and fair swapped on every listed IP.</summary>
    private static async Task<double> UpdateAsync(string connectionString, List<Guid> ids)
    {
        var watch = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            UPDATE smtp_ip_addresses SET reputation_state = CASE reputation_state WHEN 'good' THEN 'fair' ELSE 'good' END, updated = now()
            WHERE id = ANY(@ids)
            """, conn);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        var n = await cmd.ExecuteNonQueryAsync();
        if (n != ids.Count) throw new InvalidOperationException($"The UPDATE changed {n} rows, not {ids.Count}.");
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The sum of the page's LiveRefresh counts (the overview has one per card).</summary>
    private static Task<int> RefreshesAsync(IPage page) => page.EvaluateAsync<int>(
        "() => [...document.querySelectorAll('[data-testid=live-refresh]')].reduce((n, e) => n + (+e.dataset.refreshes || 0), 0)");

    /// <summary>Milliseconds from the burst's start until the page has counted a refresh and no loading bar shows.</summary>
    private static async Task<double> WaitForRefreshAsync(IPage page, int before, Stopwatch since)
    {
        try
        {
            await page.WaitForFunctionAsync("""
            before => [...document.querySelectorAll('[data-testid=live-refresh]')].reduce((n, e) => n + (+e.dataset.refreshes || 0), 0) > before
                && document.querySelectorAll('[role=progressbar]').length === 0
            """, before, new() { Timeout = 120_000, PollingInterval = 20 });
        }
        catch (TimeoutException)
        {
            return double.NaN; // counted as missing below
        }
        return since.Elapsed.TotalMilliseconds;
    }

    private sealed record Load(int Count, double P50, double P95, int Errors);

    /// <summary>Clients loading the paths in turn, each again as soon as its last load finished, until stopped or the time is up.</summary>
    private static async Task<Load> LoadAsync(HttpClient http, string[] paths, int clients, Func<bool> stop, TimeSpan duration)
    {
        var times = new List<double>();
        var errors = 0;
        var until = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async c =>
        {
            for (var i = c; until.Elapsed < duration && !stop(); i++)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    await PageBenchmark.GetPageAsync(http, paths[i % paths.Length]);
                    lock (times) times.Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        return new Load(times.Count, PageBenchmark.Percentile(times, 0.5), PageBenchmark.Percentile(times, 0.95), errors);
    }

    private static double Percentile(IEnumerable<double> values, double p) => PageBenchmark.Percentile(values.ToList(), p);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("The server's circuits did not reach the expected count within 2 minutes.");
            await Task.Delay(50);
        }
    }

    /// <summary>The largest managed heap (without forcing a collection) and working set seen while it runs.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _managed, _rss;

        public PeakSampler() => _loop = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                self.Refresh();
                _managed = Math.Max(_managed, GC.GetTotalMemory(forceFullCollection: false));
                _rss = Math.Max(_rss, self.WorkingSet64);
                try { await Task.Delay(20, _stop.Token); } catch (OperationCanceledException) { }
            }
        });

        public (long Managed, long Rss) Stop()
        {
            _stop.Cancel();
            _loop.Wait();
            return (_managed, _rss);
        }

        public void Dispose() => _stop.Dispose();
    }
}
