using Hangfire;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Platform;

/// <summary>Many app hosts share this test process; one host's end must not break another (Hangfire's statics).</summary>
public sealed class TestHostIsolationTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    [Fact]
    public async Task A_host_keeps_working_after_another_host_that_started_later_was_disposed()
    {
        _ = App.Services; // this class's host has started (Hangfire configured for it)
        await using (var other = new InfraAdminFactory(Db))
            _ = other.Services; // another class's host starts later and ends

        // Hangfire creates its loggers (a job client's on first use, say) from a static provider: not the disposed host's.
        var log = Hangfire.Logging.LogProvider.GetLogger("probe");
        log.Log(Hangfire.Logging.LogLevel.Info, () => "probe");
        Assert.NotNull(App.Services.GetRequiredService<IBackgroundJobClient>());
        using var client = App.CreateBrowserClient();
        var response = await client.GetAsync("/Account/Login", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
