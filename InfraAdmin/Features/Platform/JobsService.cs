using Hangfire;
using Hangfire.Storage;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure.Jobs;

namespace InfraAdmin.Features.Platform;

public sealed record JobInfo(string Id, string Description, string Cron, DateTime? LastRun, string? LastState, string? LastResult, DateTime? NextRun);

/// <summary>What /settings/jobs shows (config.view) and its "run now" (config.manage).</summary>
public sealed class JobsService(
    IEnumerable<IRecurringJob> jobs, JobStorage storage, IRecurringJobManager manager, CurrentUser currentUser)
{
    public async Task<IReadOnlyList<JobInfo>> ListAsync()
    {
        await currentUser.RequireAsync(Permissions.Config.View);
        using var connection = storage.GetConnection();
        var recurring = connection.GetRecurringJobs().ToDictionary(r => r.Id);
        return jobs.Select(j =>
        {
            recurring.TryGetValue(j.Id, out var r);
            string? result = null;
            if (r?.LastJobId is { } lastId)
            {
                var data = connection.GetJobData(lastId);
                var state = connection.GetStateData(lastId);
                result = state?.Data.TryGetValue("Result", out var value) == true ? value?.Trim('"') : state?.Reason ?? data?.State;
            }
            return new JobInfo(j.Id, j.Description, j.Cron, r?.LastExecution, r?.LastJobState, result, r?.NextExecution);
        }).OrderBy(j => j.Id).ToList();
    }

    public async Task RunNowAsync(string jobId)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        if (!jobs.Any(j => j.Id == jobId)) throw new ArgumentException($"No job '{jobId}'.");
        manager.Trigger(jobId);
    }
}
