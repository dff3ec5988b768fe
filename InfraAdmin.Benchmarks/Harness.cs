using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace InfraAdmin.Benchmarks;

/// <summary>One measured case: the app's own server-side work and the plainest hand-written SQL for the same result.</summary>
public sealed record Case(string Name, Func<IServiceProvider, Task> App, string Sql, double BudgetMs);

public sealed record Result(string Name, double AppMedian, double AppP95, double SqlMedian, double SqlP95, double BudgetMs)
{
    public double Ratio => SqlMedian <= 0 ? double.NaN : AppMedian / SqlMedian;
}

/// <summary>Times each case the same way: warm-up, then N runs, median and p95, app and raw SQL on the same connection pool.</summary>
public sealed class Harness(IServiceProvider services, string connectionString, int iterations)
{
    /// <summary>
    /// Warms both up, then times them in turn (app, SQL, app, SQL…) so that a noisy moment on a shared machine
    /// weighs on both sides alike; fast cases get more runs (about two seconds' worth, up to 20× the requested).
    /// </summary>
    public async Task<Result> RunAsync(Case c, string userEmail)
    {
        await using var scope = await ScopeAsAsync(userEmail);
        Func<Task> app = () => c.App(scope.ServiceProvider), sql = () => RunSqlAsync(c.Sql);
        // Warm-up for about a second (at least 3 pairs): the JIT tiers the hot paths up as a running server would have.
        var warmup = Stopwatch.StartNew();
        var pairs = 0;
        while (pairs < 3 || (warmup.ElapsedMilliseconds < 1000 && pairs < 500))
        {
            await app();
            await sql();
            pairs++;
        }
        // At least the requested runs, and more for fast cases (about two seconds' worth), so small medians settle.
        var runs = Math.Clamp((int)(2000 / Math.Max(0.001, warmup.Elapsed.TotalMilliseconds / pairs)), iterations, 20 * iterations);
        var (appTimes, sqlTimes) = (new double[runs], new double[runs]);
        for (var i = 0; i < runs; i++)
        {
            appTimes[i] = await TimeAsync(app);
            sqlTimes[i] = await TimeAsync(sql);
        }
        Array.Sort(appTimes);
        Array.Sort(sqlTimes);
        return new Result(c.Name, Median(appTimes), P95(appTimes), Median(sqlTimes), P95(sqlTimes), c.BudgetMs);
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        return sw.Elapsed.TotalMilliseconds;
    }

    private async Task RunSqlAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        // Every value is read (decoded), as the app must to show it.
        do
        {
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync()) reader.GetValues(values);
        } while (await reader.NextResultAsync());
    }

    /// <summary>A DI scope whose authentication state is the given user, as in a circuit.</summary>
    public async Task<AsyncServiceScope> ScopeAsAsync(string email)
    {
        var scope = services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<Data.Entities.AppUser>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"No user {email}: load the demo data first (seed demo).");
        // The real sign-in's principal (with its security stamp), so the revalidating state provider keeps it signed in.
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<Data.Entities.AppUser>>().CreateAsync(user);
        // ... and its sign-in (a user_sessions row named in a claim), which the state provider checks every 10 s.
        await using (var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.InfraAdminDbContext>>().CreateDbContextAsync())
        {
            var session = new Data.Entities.UserSession
            {
                Id = Guid.NewGuid(), UserId = user.Id, Created = DateTime.UtcNow, LastSeen = DateTime.UtcNow, Expires = DateTime.UtcNow.AddHours(1),
                UserAgent = "InfraAdmin.Benchmarks",
            };
            db.UserSessions.Add(session);
            await db.SaveChangesAsync();
            ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(Authorization.SessionStore.ClaimType, session.Id.ToString()));
        }
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return scope;
    }

    public static double Median(double[] sorted) => sorted[sorted.Length / 2];
    public static double P95(double[] sorted) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.95) - 1)];
}
