using System.Net;
using System.Text.RegularExpressions;
using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>Mailed links from the configured public address, trusted proxies only, secure cookies, HSTS, equal sign-in work.</summary>
public sealed class HardeningTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const int SupportRole = 4;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> MailToAsync(string email)
    {
        var folder = Path.Combine(Path.GetTempPath(), "infraadmin-test-mail", Db.Name);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [];
        var texts = await Task.WhenAll(files.Select(f => File.ReadAllTextAsync(f, Ct)));
        return string.Join("\n", texts.Where(t => t.Contains(email, StringComparison.OrdinalIgnoreCase)));
    }

    private static async Task<HttpResponseMessage> ForgotPasswordAsync(HttpClient client, string email, Action<HttpRequestMessage>? headers = null)
    {
        var page = await client.GetStringAsync("/Account/ForgotPassword", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/ForgotPassword")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = Regex.Match(page, "name=\"_handler\" value=\"([^\"]+)\"").Groups[1].Value,
                ["__RequestVerificationToken"] = Browsers.FormToken(page), ["Input.Email"] = email,
            }),
        };
        headers?.Invoke(request);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_reset_link_is_built_from_the_public_url_whatever_host_the_request_names()
    {
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "forgot", SupportRole);
        var proxied = App.BehindLoopbackProxy();
        var client = proxied.Client(new CookieContainer());
        var response = await ForgotPasswordAsync(client, email, r => r.Headers.Add("X-Forwarded-Host", "evil.example"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mail = await MailToAsync(email);
        Assert.Contains(InfraAdminFactory.PublicUrl + "Account/ResetPassword?code=", WebUtility.HtmlDecode(mail).Replace("=\r\n", ""));
        Assert.DoesNotContain("evil.example", mail);
    }

    [Fact]
    public async Task A_host_the_console_does_not_answer_to_gets_400()
    {
        var client = App.Client(new CookieContainer());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/ForgotPassword");
        request.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request, Ct)).StatusCode);
        using var own = new HttpRequestMessage(HttpMethod.Get, "/Account/ForgotPassword");
        own.Headers.Host = "console.test"; // the host of PublicUrl is always answered
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(own, Ct)).StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_count_only_from_trusted_proxies()
    {
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "proxy", SupportRole);
        // A proxy on loopback says the client is 203.0.113.9 over https: the sign-in's session records that address and the cookie is Secure.
        var proxied = App.BehindLoopbackProxy();
        var cookies = new CookieContainer();
        var client = proxied.Client(cookies);
        var response = await Browsers.PostLoginAsync(client, email, StaffTestUsers.Password, ("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("InfraAdmin.Auth=") && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        await using (var db = Db.CreateContext())
            Assert.Contains("203.0.113.9", db.UserSessions.Where(s => s.IpAddress != null).Select(s => s.IpAddress!).ToList());

        // The same headers from a peer that is not a configured proxy are ignored.
        var untrusted = App.FromPeer(IPAddress.Parse("192.0.2.44")).Client(new CookieContainer());
        var again = await Browsers.PostLoginAsync(untrusted, email, StaffTestUsers.Password, ("X-Forwarded-For", "203.0.113.99"), ("X-Forwarded-Proto", "https"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.DoesNotContain(again.Headers.GetValues("Set-Cookie"), c => c.StartsWith("InfraAdmin.Auth=") && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        await using (var db = Db.CreateContext())
        {
            var addresses = db.UserSessions.Where(s => s.IpAddress != null).Select(s => s.IpAddress!).ToList();
            Assert.Contains("192.0.2.44", addresses);
            Assert.DoesNotContain("203.0.113.99", addresses);
        }
    }

    [Fact]
    public async Task A_trusted_proxy_may_name_only_an_allowed_host_for_redirects()
    {
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "forwarded-host", SupportRole);
        var proxied = App.BehindLoopbackProxy();
        // The public host, as a proxy in front of several instances names it: the redirect after sign-in stays there.
        var ours = await Browsers.PostLoginAsync(proxied.Client(new CookieContainer()), email, StaffTestUsers.Password, ("X-Forwarded-Host", "console.test"));
        Assert.Equal(HttpStatusCode.Redirect, ours.StatusCode);
        Assert.Equal("console.test", ours.Headers.Location!.Host);
        // A host the console does not answer to is ignored, even from a trusted proxy.
        var evil = await Browsers.PostLoginAsync(proxied.Client(new CookieContainer()), email, StaffTestUsers.Password, ("X-Forwarded-Host", "evil.example"));
        Assert.Equal(HttpStatusCode.Redirect, evil.StatusCode);
        Assert.DoesNotContain("evil.example", evil.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Production_sends_hsts_over_https()
    {
        var production = App.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var client = production.Client(new CookieContainer(), new Uri(InfraAdminFactory.PublicUrl.Replace("http:", "https:")));
        var page = await client.GetAsync("/Account/Login", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.Contains("Strict-Transport-Security"), "HSTS in Production over https");
    }

    [Fact]
    public async Task An_unknown_email_costs_a_password_hash_like_a_known_one()
    {
        var counter = new CountingHasher();
        var app = App.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(counter)));
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "timing", SupportRole);
        await Browsers.SignInAsync(app.Client(new CookieContainer()), "nobody-" + Guid.NewGuid().ToString("N") + "@test.local", "whatever-1");
        var unknown = counter.Verifications;
        await Browsers.SignInAsync(app.Client(new CookieContainer()), email, "whatever-2");
        var known = counter.Verifications - unknown;
        Assert.Equal(1, unknown);
        Assert.Equal(known, unknown);
    }

    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verifications;
        public int Verifications => Volatile.Read(ref _verifications);
        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);
        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public void Kestrel_sends_no_server_header()
    {
        // TestServer never adds the header, so check the option the real Kestrel server is built with.
        var kestrel = App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;
        Assert.False(kestrel.AddServerHeader);
    }
}
