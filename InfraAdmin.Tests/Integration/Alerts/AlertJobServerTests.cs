using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>
/// The webhook's retries and the minute's digest as Hangfire runs them: a real <see cref="BackgroundJobServer"/> on the test
/// database's <c>hangfire</c> storage, with the app's job filters (retries shortened by <c>Jobs:TestRetryDelaySeconds</c>, the
/// test-only setting; the production backoff is <c>AlertWebhookRetryTests</c>) and the app's services activating the jobs.
/// </summary>
public sealed class AlertJobServerTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Generous: the machine may be busy; a passing run takes a few seconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The app as another host over the test database (test settings of its own), and a Hangfire server over the database's
    /// own storage (not <c>JobStorage.Current</c>, which every host in this process sets) with that host's filters and activator.
    /// Only the recurring jobs a test declares run: the ones every host declares at start-up are removed first.
    /// </summary>
    private sealed class JobServer : IAsyncDisposable
    {
        private readonly WebApplicationFactory<Program> _host;
        private readonly BackgroundJobServer _server;

        private JobServer(WebApplicationFactory<Program> host, PostgreSqlStorage storage)
        {
            _host = host;
            Storage = storage;
            _server = new BackgroundJobServer(new BackgroundJobServerOptions
            {
                ServerName = "alert-job-server-tests",
                WorkerCount = 1,
                SchedulePollingInterval = TimeSpan.FromMilliseconds(250), // a retry's scheduled time is seen soon after it comes
                FilterProvider = host.Services.GetRequiredService<Hangfire.Common.IJobFilterProvider>(),
                Activator = new AspNetCoreJobActivator(host.Services.GetRequiredService<IServiceScopeFactory>()),
            }, storage);
        }

        public PostgreSqlStorage Storage { get; }
        public IServiceProvider Services => _host.Services;

        public static JobServer Start(InfraAdminFactory app, TestDatabase db, Action<IWebHostBuilder> configure)
        {
            var host = app.WithWebHostBuilder(b =>
            {
                b.UseSetting(JobsRegistration.TestRetryDelaySetting, "1");
                b.UseSetting("Alerts:EvaluateOnChange", "false"); // only the jobs of the test run
                configure(b);
            });
            _ = host.Services; // started: it has declared the app's recurring jobs
            var options = new PostgreSqlStorageOptions { SchemaName = JobsRegistration.Schema, PrepareSchemaIfNecessary = true, EnableLongPolling = true };
            var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(db.ConnectionString, options), options);
            var recurring = new RecurringJobManager(storage);
            using (var connection = storage.GetConnection())
                foreach (var job in connection.GetRecurringJobs()) recurring.RemoveIfExists(job.Id);
            return new JobServer(host, storage);
        }

        public string StateOf(string jobId)
        {
            using var connection = Storage.GetConnection();
            return connection.GetJobData(jobId)?.State ?? "";
        }

        public async ValueTask DisposeAsync()
        {
            _server.SendStop();
            await _server.WaitForShutdownAsync(CancellationToken.None);
            _server.Dispose();
            await _host.DisposeAsync();
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <see cref="Patience"/>.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > Patience) Assert.Fail($"Waited {Patience.TotalSeconds:F0} s for {what}.");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_webhook_answered_500_then_200_is_retried_by_the_job_server_and_the_log_shows_both_attempts()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var id = await AddAlertAsync(Db, "ip.view", "webhook through the job server");
        var statuses = new ConcurrentQueue<int>([500, 200]);
        var received = new ConcurrentQueue<string?>();
        var serving = Task.Run(async () =>
        {
            while (!statuses.IsEmpty)
            {
                var context = await listener.GetContextAsync();
                var alert = context.Request.Headers[AlertWebhookSender.DeliveryHeader];
                received.Enqueue(alert);
                // This test's alert gets 500, then 200 (any other post, none expected, gets 200).
                context.Response.StatusCode = alert == id.ToString() && statuses.TryDequeue(out var status) ? status : 200;
                context.Response.Close();
            }
        }, Ct);

        await using var jobs = JobServer.Start(App, Db, b => b.UseSetting("Alerts:TestWebhookUrl", $"http://127.0.0.1:{port}/hook/"));
        // The delivery job as AlertDeliveries.QueueWebhooksAsync queues it, onto the test database's storage (that method
        // would also queue the alerts this database's rules raised meanwhile).
        var jobId = new BackgroundJobClient(jobs.Storage, jobs.Services.GetRequiredService<Hangfire.Common.IJobFilterProvider>())
            .Enqueue<AlertWebhookSender>(s => s.SendAsync(id, CancellationToken.None));
        await WaitForAsync(async () =>
        {
            await using var db = Db.CreateContext();
            return await db.AlertWebhookDeliveries.AnyAsync(d => d.AlertId == id && d.Succeeded, Ct);
        }, "a successful delivery in the log");
        await serving.WaitAsync(Patience, Ct);

        await using (var db = Db.CreateContext())
        {
            var log = await db.AlertWebhookDeliveries.AsNoTracking().Where(d => d.AlertId == id).OrderBy(d => d.Attempt).ToListAsync(Ct);
            Assert.Equal([1, 2], log.Select(d => d.Attempt));
            Assert.Equal([500, 200], log.Select(d => d.StatusCode ?? 0));
            Assert.Equal([false, true], log.Select(d => d.Succeeded));
            Assert.True(log[1].AttemptedAt > log[0].AttemptedAt);
        }
        Assert.Equal(2, received.Count(r => r == id.ToString()));
        // The server's retry filter (the production attempts, the test's 1 s delay) scheduled the retry; the job then succeeded.
        await WaitForAsync(() => Task.FromResult(jobs.StateOf(jobId) == "Succeeded"), "the webhook job to succeed");
        var history = jobs.Storage.GetMonitoringApi().JobDetails(jobId).History;
        Assert.Contains(history, h => h.StateName == "Scheduled" && h.Reason?.StartsWith("Retry attempt 1 of 5", StringComparison.Ordinal) == true);
        using var connection = jobs.Storage.GetConnection();
        Assert.Equal("1", connection.GetJobParameter(jobId, "RetryCount"));
    }

    [Fact]
    public async Task The_minutes_job_run_by_the_job_server_mails_one_digest_of_the_alerts_raised_in_the_same_minute()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var role = await StaffTestUsers.CreateRoleAsync(Db, "server-digest", "ip.view", "vps.view");
        var (userId, email) = await StaffTestUsers.CreateUserAsync(App, "server-digest", role);
        await ExecAsync(Db, "INSERT INTO user_preferences (id, user_id, email_notifications) VALUES (gen_random_uuid(), @u, true)", ("u", userId));
        var mail = new RecordingMail();
        await using var jobs = JobServer.Start(App, Db, b => b.ConfigureTestServices(s => s.AddSingleton<IAppEmailSender>(mail)));

        var minute = DateTime.UtcNow;
        foreach (var (permission, title) in new[] { ("ip.view", "first"), ("ip.view", "second"), ("vps.view", "third") })
        {
            // Critical and raised first: at the head of the digest, before anything the rules raise in the demo data.
            var id = await AddAlertAsync(Db, permission, $"{title} {marker}", AlertSeverity.Critical, raisedAt: minute);
            await ExecAsync(Db, "UPDATE alerts SET emailed_at = NULL WHERE id = @id", ("id", id));
        }

        // Alerts the rules raised earlier in the demo data are not this test's: claimed, so the digest lists these first
        // (critical, and raised before anything the job's own evaluation raises).
        await ExecAsync(Db, "UPDATE alerts SET emailed_at = now() WHERE emailed_at IS NULL AND title NOT LIKE @m", ("m", "%" + marker));

        // The minute's recurring job as the app declares it, triggered now rather than at the next minute.
        var recurring = new RecurringJobManager(jobs.Storage);
        recurring.AddOrUpdate<JobRunner>(AlertEvaluationJob.JobId, r => r.RunAsync(AlertEvaluationJob.JobId, CancellationToken.None), "* * * * *");
        var first = recurring.TriggerJob(AlertEvaluationJob.JobId);
        await WaitForAsync(() => Task.FromResult(jobs.StateOf(first) == "Succeeded"), "the minute's job to succeed");

        List<(string To, string Subject, string Html)> Mine() => mail.Sent.Where(m => m.To == email && m.Html.Contains(marker)).ToList();
        var digest = Assert.Single(Mine());
        foreach (var title in new[] { "first", "second", "third" }) Assert.Contains($"{title} {marker}", digest.Html);

        // Run again: those alerts are claimed, so no second mail names them.
        var second = recurring.TriggerJob(AlertEvaluationJob.JobId);
        await WaitForAsync(() => Task.FromResult(jobs.StateOf(second) == "Succeeded"), "the second run to succeed");
        Assert.Single(Mine());
        await using var db = Db.CreateContext();
        Assert.False(await db.Alerts.AnyAsync(a => a.Title.EndsWith(marker) && a.EmailedAt == null, Ct));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
