using System.Globalization;
using InfraAdmin.Benchmarks;
using InfraAdmin.Infrastructure;

// Measures each dashboard's server-side work against the data set in ConnectionStrings__InfraAdmin
// (load it with: dotnet run --project InfraAdmin -- seed demo && dotnet run --project InfraAdmin -- seed scale --tenants 10000).
// Usage: dotnet run -c Release --project InfraAdmin.Benchmarks [-- --iterations 30]
// Pages: dotnet run -c Release --project InfraAdmin.Benchmarks -- pages [--concurrency 20] [--seconds 10] [--circuits 10] [--only vps]
// Live burst: dotnet run -c Release --project InfraAdmin.Benchmarks -- burst [--pages 100] [--ips 5000] [--concurrency 20] [--seconds 5]
// Alerts: dotnet run -c Release --project InfraAdmin.Benchmarks -- alerts [--iterations 30] [--only <rule>] [--explain]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args is ["pages" or "burst", ..])
{
    var pagesDb = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables().Build().GetConnectionString("InfraAdmin")
        ?? throw new InvalidOperationException("Set ConnectionStrings__InfraAdmin to the database to measure.");
    if (args[0] == "burst") await BurstBenchmark.RunAsync(pagesDb, args);
    else await PageBenchmark.RunAsync(pagesDb, args);
    return;
}
var iterations = args.SkipWhile(a => a != "--iterations").Skip(1).Select(int.Parse).FirstOrDefault(30);
var trace = args.Contains("--trace");
// --only <text>: just the cases whose name contains the text (and no roll-up rebuild timing).
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
var cases = DashboardCases.All.Where(c => only is null || c.Case.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
// The alert rules read the app's configured blacklist providers: the alerts mode reads the app's appsettings.json (copied here).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    EnvironmentName = "Benchmark", ContentRootPath = args is ["alerts", ..] ? AppContext.BaseDirectory : null,
});
builder.Configuration["Jobs:RunServer"] = "false";
builder.Logging.ClearProviders();
if (trace)
{
    // --trace: run each case once and print the SQL the app sends, with each command's time.
    builder.Logging.AddSimpleConsole(o => o.SingleLine = false);
    builder.Logging.AddFilter((category, level) => category == "Microsoft.EntityFrameworkCore.Database.Command" && level >= LogLevel.Information);
}
builder.AddInfraAdmin();
await using var app = builder.Build();
// The raw SQL shares the app's connection pool (the same, tuned connection string).
var connectionString = InfraAdmin.Data.DbSetup.Tuned(app.Configuration.GetConnectionString("InfraAdmin")!);
var harness = new Harness(app.Services, connectionString, iterations);
if (args is ["alerts", ..])
{
    // Alert evaluation: dotnet run -c Release --project InfraAdmin.Benchmarks -- alerts [--iterations 30] [--only ip.stale] [--explain]
    await AlertBenchmark.RunAsync(app, connectionString, args);
    return;
}
if (trace)
{
    foreach (var (user, c) in cases)
    {
        Console.WriteLine($"===== {c.Name}");
        await using var scope = await harness.ScopeAsAsync(user);
        await c.App(scope.ServiceProvider); // warm
        Console.WriteLine("----- second run");
        await c.App(scope.ServiceProvider);
        await Task.Delay(100);
    }
    return;
}

Console.WriteLine($"InfraAdmin benchmark: at least {iterations} runs per case (about 2 s for fast ones) after about a second of warm-up, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
var results = new List<Result>();
foreach (var (user, c) in cases)
{
    var r = await harness.RunAsync(c, user);
    results.Add(r);
    Console.WriteLine($"  {r.Name}: {r.AppMedian:F2} ms");
}
if (only is null)
    foreach (var extra in await DashboardCases.ExtrasAsync(harness)) Console.WriteLine(extra);

Console.WriteLine();
Console.WriteLine("| case | app median ms | app p95 ms | raw SQL median ms | raw SQL p95 ms | ratio | budget ms | within |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
foreach (var r in results)
    Console.WriteLine($"| {r.Name} | {r.AppMedian:F2} | {r.AppP95:F2} | {r.SqlMedian:F2} | {r.SqlP95:F2} | {r.Ratio:F2} | {r.BudgetMs:F0} | {(r.AppMedian <= r.BudgetMs ? "yes" : "NO")} |");
