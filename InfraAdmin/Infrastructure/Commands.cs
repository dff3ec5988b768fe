using InfraAdmin.Data;
using InfraAdmin.Data.Seeding;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Infrastructure;

/// <summary>The app's subcommands: <c>migrate</c>, <c>seed demo</c> (and the areas' own). Returns null when the args ask to serve.</summary>
public static class Commands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "migrate" or "seed" or "costs";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>();
        var connectionString = app.Configuration.GetConnectionString("InfraAdmin");
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InfraAdmin.Commands");
        switch (args)
        {
            case ["migrate", ..]:
                await DatabaseStartup.MigrateAsync(factory, connectionString);
                Console.WriteLine("Database migrated.");
                return 0;
            case ["seed", "demo", ..]:
                if (app.Environment.IsProduction())
                {
                    Console.Error.WriteLine("Refusing to load demo accounts in Production. Set ASPNETCORE_ENVIRONMENT=Development (or Demo) to seed demo data.");
                    return 2;
                }
                await DatabaseStartup.EnsureReadyAsync(factory, connectionString);
                await using (var db = await factory.CreateDbContextAsync())
                {
                    await DatabaseStartup.SyncPermissionsAsync(db);
                    await DemoSeeder.SeedAsync(db, app.Services.GetRequiredService<TimeProvider>());
                }
                await RunExtraSeedStepsAsync(app);
                Console.WriteLine("Demo data loaded.");
                return 0;
            case ["seed", "scale", ..]:
                if (app.Environment.IsProduction())
                {
                    Console.Error.WriteLine("Refusing to load generated data in Production.");
                    return 2;
                }
                var tenants = args.SkipWhile(a => a != "--tenants").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
                await DatabaseStartup.EnsureReadyAsync(factory, connectionString);
                await new ScaleSeeder(connectionString!, Console.WriteLine).SeedAsync(tenants, app.Services.GetRequiredService<TimeProvider>());
                await RunExtraSeedStepsAsync(app);
                return 0;
            default:
                var extra = app.Services.GetServices<ICommand>().FirstOrDefault(c => c.Matches(args));
                if (extra is not null)
                {
                    await DatabaseStartup.EnsureReadyAsync(factory, connectionString);
                    return await extra.RunAsync(args, log);
                }
                Console.Error.WriteLine($"Unknown command '{string.Join(' ', args)}'. Commands: migrate | seed demo | seed scale --tenants N | costs rebuild");
                return 2;
        }
    }

    private static async Task RunExtraSeedStepsAsync(WebApplication app)
    {
        foreach (var step in app.Services.GetServices<IAfterDemoSeed>()) await step.RunAsync();
    }
}

/// <summary>A subcommand contributed by an area (for example <c>costs rebuild</c> or <c>seed scale</c>).</summary>
public interface ICommand
{
    bool Matches(string[] args);
    Task<int> RunAsync(string[] args, ILogger log);
}

/// <summary>Work an area does after the demo seed (for example bringing the kept cost figures up to date).</summary>
public interface IAfterDemoSeed
{
    Task RunAsync();
}
