using System.Net;
using System.Text.Json;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>
/// ASP.NET Core's rate limiter in front of sign-in and the keyed API, per client address (the forwarded one from a
/// trusted proxy) and per account; refused attempts get 429 with when to retry and never reach Identity.
/// </summary>
public sealed class RateLimitTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string clientAddress) =>
        Browsers.PostLoginAsync(client, email, password, ("X-Forwarded-For", clientAddress));

    [Fact]
    public async Task One_client_trying_many_accounts_is_stopped_with_a_page_saying_when_to_retry()
    {
        var app = App.BehindLoopbackProxy(("RateLimits:SignIn:PerClient", "3"), ("RateLimits:SignIn:PerAccount", "100"));
        var client = app.Client(new CookieContainer());
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(client, $"nobody{i}@test.local", "wrong", "203.0.113.7")).StatusCode);
        var refused = await PostLoginAsync(client, "nobody9@test.local", "wrong", "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when");
        Assert.Contains("Too many attempts. Try again in", await refused.Content.ReadAsStringAsync(Ct));
        // Another client (forwarded by the trusted proxy) is not held back by the first one's attempts.
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(client, "nobody10@test.local", "wrong", "198.51.100.20")).StatusCode);
    }

    [Fact]
    public async Task Many_clients_on_one_account_are_stopped_before_the_lockout_counts_them()
    {
        var app = App.BehindLoopbackProxy(("RateLimits:SignIn:PerClient", "100"), ("RateLimits:SignIn:PerAccount", "2"));
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "limited");
        var client = app.Client(new CookieContainer());
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(client, email, "wrong-1", "203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(client, email.ToUpperInvariant(), "wrong-2", "203.0.113.2")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostLoginAsync(client, email, "wrong-3", "203.0.113.3")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostLoginAsync(client, email, StaffTestUsers.Password, "203.0.113.4")).StatusCode);
        await using var db = Db.CreateContext();
        Assert.Equal(2, await db.Users.Where(u => u.Id == id).Select(u => u.AccessFailedCount).SingleAsync(Ct));
    }

    [Fact]
    public async Task The_keyed_api_answers_429_json_after_too_many_bad_keys_from_one_client()
    {
        var app = App.BehindLoopbackProxy(("RateLimits:Api:PerClient", "3"), ("RateLimits:Api:PerAccount", "100"));
        var client = app.Client(new CookieContainer());
        for (var i = 0; i < 3; i++)
        {
            using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/ip-checks") { Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json") };
            bad.Headers.Add("X-Api-Key", "ia_wrong_" + i);
            bad.Headers.Add("X-Forwarded-For", "203.0.113.50");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(bad, Ct)).StatusCode);
        }
        using var refused = new HttpRequestMessage(HttpMethod.Post, "/api/ip-checks") { Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json") };
        refused.Headers.Add("X-Api-Key", "ia_wrong_again");
        refused.Headers.Add("X-Forwarded-For", "203.0.113.50");
        var response = await client.SendAsync(refused, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.StartsWith("Too many attempts", body.RootElement.GetProperty("title").GetString());
        Assert.True(body.RootElement.GetProperty("retryAfterSeconds").GetInt32() > 0);
    }
}
