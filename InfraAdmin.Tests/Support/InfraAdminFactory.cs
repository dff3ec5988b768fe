using System.Net;
using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Support;

/// <summary>The real app (Program) over a private test database.</summary>
public sealed class InfraAdminFactory(TestDatabase database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:InfraAdmin", database.ConnectionString);
        builder.UseSetting("Jobs:RunServer", "false");
        builder.UseSetting("Mail:PickupFolder", Path.Combine(Path.GetTempPath(), "infraadmin-test-mail", database.Name));
        builder.UseSetting("Audit:ArchivePath", Path.Combine(Path.GetTempPath(), "infraadmin-test-audit-archive", database.Name));
        builder.UseSetting("PublicUrl", PublicUrl);
        // Tests sign in far more often than people do; the rate-limit tests set tight limits of their own.
        foreach (var kind in new[] { "SignIn", "Api" })
        {
            builder.UseSetting($"RateLimits:{kind}:PerClient", "100000");
            builder.UseSetting($"RateLimits:{kind}:PerAccount", "100000");
        }
        builder.ConfigureTestServices(KeepHangfireLoggingOffTheHosts);
    }

    /// <summary>
    /// Hangfire keeps its log provider in a static, and each host sets it to one over its own logger factory. Many hosts
    /// live in this process: once the host that set it last was disposed, every other host's next Hangfire logger (a
    /// background job client created on first use, say) threw ObjectDisposedException. Each host here sets it, right
    /// after, to Hangfire's no-op provider, which belongs to no host. (One app process has one host: the app itself keeps Hangfire's default.)
    /// </summary>
    private static void KeepHangfireLoggingOffTheHosts(IServiceCollection services)
    {
        var hangfire = services.Single(d => d.ServiceType == typeof(IGlobalConfiguration));
        services.Remove(hangfire);
        services.AddSingleton<IGlobalConfiguration>(provider =>
            ((IGlobalConfiguration)hangfire.ImplementationFactory!(provider)).UseNoOpLogProvider());
    }

    /// <summary>The configured public address every mailed link starts with.</summary>
    public const string PublicUrl = "http://console.test/";

    /// <summary>A client that keeps cookies and does not follow redirects, so tests see where they point.</summary>
    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the real login form; returns the response of the form post.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var login = returnUrl is null ? "/Account/Login" : "/Account/Login?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var page = await client.GetStringAsync(login);
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync(login, form);
    }

    public async Task<HttpClient> SignedInClientAsync(string email, string password = Data.Seeding.DemoSeeder.DemoPassword)
    {
        var client = CreateBrowserClient();
        var response = await SignInAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }
}
