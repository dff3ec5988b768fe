using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using InfraAdmin.Data;
using InfraAdmin.Data.Migrations;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Infrastructure.Jobs;

/// <summary>
/// Scheduled work of an area (billing roll-forward, due decommissions, cost roll-up, weekly mail). Implementations
/// must be idempotent per due item (a conditional UPDATE, for example): Hangfire runs each occurrence on one
/// instance, and a retry after a crash must not act twice.
/// </summary>
public interface IRecurringJob
{
    /// <summary>Stable id, for example <c>vps.billing-roll-forward</c>.</summary>
    string Id { get; }
    string Description { get; }
    /// <summary>A cron expression in UTC, for example <c>*/5 * * * *</c>.</summary>
    string Cron { get; }
    /// <summary>Does the work; returns a one-line result for /settings/jobs (for example "rolled 3 periods").</summary>
    Task<string> RunAsync(CancellationToken ct);
}

/// <summary>Runs a registered <see cref="IRecurringJob"/> in its own scope; Hangfire calls it by id.</summary>
public sealed class JobRunner(IServiceScopeFactory scopes, ILogger<JobRunner> logger)
{
    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<string> RunAsync(string jobId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var job = scope.ServiceProvider.GetServices<IRecurringJob>().Single(j => j.Id == jobId);
        var result = await job.RunAsync(ct);
        logger.LogInformation("Job {JobId} finished: {Result}", jobId, result);
        return result;
    }
}

public static class JobsRegistration
{
    public const string Schema = "hangfire";

    /// <summary>Test-only (honoured outside Production): every Hangfire retry waits this many seconds instead of its backoff.</summary>
    public const string TestRetryDelaySetting = "Jobs:TestRetryDelaySeconds";

    /// <summary>Hangfire on PostgreSQL (its own <c>hangfire</c> schema); the server runs unless Jobs:RunServer is false.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // The job filters (retries among them) of this host's servers and clients. Hangfire's default is its global list;
        // tests may shorten the retry delays (never in Production: the attributes' backoff stands there).
        if (!environment.IsProduction() && TestRetryDelay(configuration) is { } delay)
            services.AddSingleton<IJobFilterProvider>(new ShortenedRetryDelays(JobFilterProviders.Providers, delay));
        var connectionString = configuration.GetConnectionString("InfraAdmin") ?? "";
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString),
                // Long polling (LISTEN/NOTIFY): a queued job (e.g. the cost recompute after a change) starts at once rather
                // than at the next queue poll.
                new PostgreSqlStorageOptions { SchemaName = Schema, PrepareSchemaIfNecessary = true, EnableLongPolling = true }));
        if (configuration.GetValue("Jobs:RunServer", true))
            services.AddHangfireServer(o => o.WorkerCount = 2);
        services.AddSingleton<JobRunner>();
        return services;
    }

    /// <summary>
    /// <see cref="TestRetryDelaySetting"/>: null when unset, else whole seconds from 0 to 3600. Anything else stops the
    /// start with what is wrong, rather than being read as some other delay.
    /// </summary>
    public static int? TestRetryDelay(IConfiguration configuration)
    {
        var text = configuration[TestRetryDelaySetting];
        if (string.IsNullOrWhiteSpace(text)) return null;
        // Digits only: int.Parse would also take a trailing NUL ("1\0").
        return text.Length <= 4 && text.All(char.IsAsciiDigit) && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is var seconds && seconds <= 3600
            ? seconds
            : throw new InvalidOperationException($"{TestRetryDelaySetting} must be a whole number of seconds from 0 to 3600, not “{text}”.");
    }

    /// <summary>Declares every registered job as a Hangfire recurring job (idempotent; any instance may do it).</summary>
    public static void ScheduleRecurringJobs(this IServiceProvider services)
    {
        var manager = services.GetRequiredService<IRecurringJobManager>();
        using var scope = services.CreateScope();
        foreach (var job in scope.ServiceProvider.GetServices<IRecurringJob>())
        {
            var id = job.Id;
            manager.AddOrUpdate<JobRunner>(id, r => r.RunAsync(id, CancellationToken.None), job.Cron);
        }
    }

    /// <summary>
    /// Adds the live-pages trigger on Hangfire's job table (its schema exists once the storage is up, after the
    /// migrations): /settings/jobs follows a job's state, whichever instance runs it. Idempotent.
    /// </summary>
    public static async Task WatchJobsAsync(this IServiceProvider services)
    {
        _ = services.GetRequiredService<JobStorage>(); // makes Hangfire's schema if it is not there yet
        await using var db = await services.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(LiveChangeTriggers.Hangfire);
    }
}

/// <summary>
/// Test-only (<see cref="JobsRegistration.TestRetryDelaySetting"/>): the filters of <paramref name="inner"/>, each
/// <see cref="AutomaticRetryAttribute"/> replaced by a copy that keeps its attempts and what happens after them but waits
/// <paramref name="delaySeconds"/> before each retry, so a test sees a retry in seconds instead of its production backoff.
/// </summary>
public sealed class ShortenedRetryDelays(IJobFilterProvider inner, int delaySeconds) : IJobFilterProvider
{
    public IEnumerable<JobFilter> GetFilters(Job job) => inner.GetFilters(job).Select(f => f.Instance is AutomaticRetryAttribute retry
        ? new JobFilter(new AutomaticRetryAttribute
        {
            Attempts = retry.Attempts, OnAttemptsExceeded = retry.OnAttemptsExceeded, LogEvents = retry.LogEvents, Order = retry.Order,
            DelaysInSeconds = Enumerable.Repeat(delaySeconds, Math.Max(1, retry.Attempts)).ToArray(),
        }, f.Scope, f.Order)
        : f);
}
