using System.Reflection;
using Hangfire;
using Hangfire.Common;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Infrastructure.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace InfraAdmin.Tests.Unit;

/// <summary>
/// The webhook's retry schedule on the job engine: 5 retries, 30 s → 2 h, then Failed (which the job.failed rule reports).
/// Tests shorten it with <c>Jobs:TestRetryDelaySeconds</c> (<c>AlertJobServerTests</c>); Production ignores that setting.
/// </summary>
public sealed class AlertWebhookRetryTests
{
    private static readonly int[] Production = [30, 120, 600, 1800, 7200];

    private static readonly Job Send = Job.FromExpression<AlertWebhookSender>(s => s.SendAsync(Guid.Empty, CancellationToken.None));

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "InfraAdmin";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    /// <summary>The retry filter the app's job servers apply to the webhook job, with the given environment and settings.</summary>
    private static AutomaticRetryAttribute RetryOfSend(string environment, string? testDelay)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:InfraAdmin"] = "Host=127.0.0.1;Database=unused",
            [JobsRegistration.TestRetryDelaySetting] = testDelay,
            ["Jobs:RunServer"] = "false",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddJobs(configuration, new Environment(environment));
        using var provider = services.BuildServiceProvider();
        var filters = provider.GetRequiredService<IJobFilterProvider>().GetFilters(Send);
        // Hangfire keeps one retry filter per job: the method's own, which overrides the global default of 10 attempts.
        return filters.Select(f => f.Instance).OfType<AutomaticRetryAttribute>().Single(r => r.Attempts == 5);
    }

    [Fact]
    public void The_webhook_job_retries_five_times_from_30_seconds_to_2_hours_then_fails()
    {
        var retry = typeof(AlertWebhookSender).GetMethod(nameof(AlertWebhookSender.SendAsync))!.GetCustomAttribute<AutomaticRetryAttribute>()!;
        Assert.Equal(5, retry.Attempts);
        Assert.Equal(Production, retry.DelaysInSeconds);
        Assert.Equal(AttemptsExceededAction.Fail, retry.OnAttemptsExceeded);
        Assert.Equal(Production, AlertWebhookSender.RetryDelaysSeconds);
    }

    [Theory]
    [InlineData("Production", null)]
    [InlineData("Production", "1")] // the test-only setting is ignored in Production
    [InlineData("Development", null)]
    public void The_app_applies_the_production_backoff_unless_a_test_shortens_it_outside_production(string environment, string? testDelay)
    {
        var retry = RetryOfSend(environment, testDelay);
        Assert.Equal(Production, retry.DelaysInSeconds);
        Assert.Equal(AttemptsExceededAction.Fail, retry.OnAttemptsExceeded);
    }

    [Fact]
    public void A_test_outside_production_shortens_every_delay_and_keeps_the_attempts()
    {
        var retry = RetryOfSend("Testing", "1");
        Assert.Equal(5, retry.Attempts);
        Assert.Equal([1, 1, 1, 1, 1], retry.DelaysInSeconds);
        Assert.Equal(AttemptsExceededAction.Fail, retry.OnAttemptsExceeded);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("ten")]
    [InlineData("3601")]
    [InlineData("1\0")]
    public void A_malformed_test_delay_stops_the_start_with_what_is_wrong(string testDelay)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RetryOfSend("Testing", testDelay));
        Assert.Contains(JobsRegistration.TestRetryDelaySetting, error.Message);
        Assert.Contains("0 to 3600", error.Message);
    }

    [Fact]
    public void A_zero_test_delay_retries_at_once()
    {
        Assert.Equal([0, 0, 0, 0, 0], RetryOfSend("Testing", "0").DelaysInSeconds);
    }
}
