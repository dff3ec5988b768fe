using InfraAdmin.Data;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Platform;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>POST /api/ip-checks with API keys: 401 without a valid key, 400 (nothing applied) on bad input, attribution in the audit log.</summary>
public sealed class IpChecksApiTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<CreatedApiKey> NewKeyAsync(string name)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(name + "-" + Guid.NewGuid().ToString("N")[..6], Ct);
    }

    private static HttpRequestMessage Post(object? body, string? bearer = null, string? apiKey = null, string? raw = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ip-checks")
        {
            Content = raw is not null ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body),
        };
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }

    private static object Body(string ip, string provider = "spamhaus", bool listed = true, string? reputation = "poor") => new
    {
        checks = new[] { new { ip, provider, listed, checked_at = DateTime.UtcNow.AddMinutes(-5).ToString("O"), detail = "from the checker", reputation } },
    };

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").GetString()!;
    }

    private async Task<SmtpIpAddress> ReloadAsync(Guid id)
    {
        await using var db = Db.CreateContext();
        return await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == id, Ct);
    }

    [Fact]
    public async Task A_valid_key_by_bearer_or_header_applies_the_checks_and_is_the_audited_actor()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned);
        var key = await NewKeyAsync("checker");
        var client = App.CreateClient();

        var response = await client.SendAsync(Post(Body(ip.IpAddress), bearer: key.Secret), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReputationState.Poor, (await ReloadAsync(ip.Id)).ReputationState);

        var second = await client.SendAsync(Post(Body(ip.IpAddress, "barracuda", false, "fair"), apiKey: key.Secret), Ct);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(ReputationState.Fair, (await ReloadAsync(ip.Id)).ReputationState);

        await using var db = Db.CreateContext();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityId == ip.Id.ToString() && a.Action == "ip.check").ToListAsync(Ct);
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.Equal(("api-key:" + key.Key.Name, (Guid?)null), (a.ActorName, a.ActorId)));
        var history = await db.SmtpIpHistory.AsNoTracking().Where(h => h.SmtpIpAddressId == ip.Id).ToListAsync(Ct);
        Assert.All(history, h => Assert.Equal("api-key:" + key.Key.Name, h.ChangedByName));
        Assert.NotNull((await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == key.Key.Id, Ct)).LastUsed);
    }

    [Theory]
    [InlineData("detail")]
    [InlineData("provider")]
    [InlineData("reputation")]
    public async Task A_nul_character_in_a_field_gets_400_and_changes_nothing(string field)
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned);
        var key = await NewKeyAsync("nul");
        var check = new Dictionary<string, object>
        {
            ["ip"] = ip.IpAddress, ["provider"] = "spamhaus", ["listed"] = true, ["checked_at"] = DateTime.UtcNow.AddMinutes(-5).ToString("O"),
            ["detail"] = "from the checker", ["reputation"] = "poor",
        };
        check[field] = "a\0b";
        var response = await App.CreateClient().SendAsync(Post(new { checks = new[] { check } }, bearer: key.Secret), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"checks[0].{field} contains a NUL character.", await ErrorOf(response));
        Assert.Equal(ip.ReputationState, (await ReloadAsync(ip.Id)).ReputationState);
    }

    [Fact]
    public async Task An_unknown_provider_gets_400_with_the_known_ones_and_changes_nothing()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned);
        var key = await NewKeyAsync("checker");
        var response = await App.CreateClient().SendAsync(Post(Body(ip.IpAddress, "madeupbl"), bearer: key.Secret), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var message = doc.RootElement.GetProperty("refused")[0].GetProperty("message").GetString()!;
        Assert.Contains("Unknown blacklist provider 'madeupbl'", message);
        Assert.Contains("Known providers: spamhaus, barracuda, spamcop, sorbs", message);
        var now = await ReloadAsync(ip.Id);
        Assert.Equal(ReputationState.Good, now.ReputationState);
        Assert.Null(now.ProviderBlacklistStatus);
    }

    [Fact]
    public async Task No_key_a_wrong_key_or_a_revoked_key_gets_401_and_changes_nothing()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned);
        var key = await NewKeyAsync("revoked");
        await using (var scope = await App.ScopeAsAsync(Demo.Admin))
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            var row = (await keys.ListAsync(Ct)).Single(k => k.Id == key.Key.Id);
            await keys.RevokeAsync(row.Id, row.Version, Ct);
        }
        var client = App.CreateClient();
        foreach (var request in new[] { Post(Body(ip.IpAddress)), Post(Body(ip.IpAddress), bearer: "iak_wrong"), Post(Body(ip.IpAddress), apiKey: key.Secret) })
        {
            var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("API key", await ErrorOf(response));
        }
        var signedIn = await App.SignedInClientAsync(Demo.Ops);
        Assert.Equal(HttpStatusCode.Unauthorized, (await signedIn.SendAsync(Post(Body(ip.IpAddress)), Ct)).StatusCode);
        Assert.Equal(ReputationState.Good, (await ReloadAsync(ip.Id)).ReputationState);
    }

    [Fact]
    public async Task Malformed_bodies_and_bad_checks_get_400_and_apply_nothing()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned);
        var key = await NewKeyAsync("strict");
        var client = App.CreateClient();
        string[] raws =
        [
            "{not json", "[]", """{"checks": "x"}""", """{"checks": []}""",
            $$"""{"checks": [{"ip": "{{ip.IpAddress}}", "provider": "spamhaus", "listed": "yes", "checked_at": "2026-01-01T00:00:00Z"}]}""",
            $$"""{"checks": [{"ip": "{{ip.IpAddress}}", "listed": true, "checked_at": "2026-01-01T00:00:00Z"}]}""",
        ];
        foreach (var raw in raws)
        {
            var response = await client.SendAsync(Post(null, bearer: key.Secret, raw: raw), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(await ErrorOf(response)));
        }
        var mixed = new
        {
            checks = new object[]
            {
                new { ip = ip.IpAddress, provider = "spamhaus", listed = true, checked_at = DateTime.UtcNow.AddMinutes(-1).ToString("O"), reputation = "critical" },
                new { ip = "198.18.0.1", provider = "spamhaus", listed = true, checked_at = DateTime.UtcNow.AddMinutes(-1).ToString("O"), reputation = "critical" },
            },
        };
        var partial = await client.SendAsync(Post(mixed, bearer: key.Secret), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        using var doc = JsonDocument.Parse(await partial.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, doc.RootElement.GetProperty("refused")[0].GetProperty("index").GetInt32());
        var now = await ReloadAsync(ip.Id);
        Assert.Equal(ReputationState.Good, now.ReputationState);
        Assert.Null(now.ProviderBlacklistStatus);
    }

    [Fact]
    public async Task Keys_are_shown_once_stored_hashed_listed_and_managed_only_with_config_manage()
    {
        var key = await NewKeyAsync("listing");
        Assert.StartsWith("iak_", key.Secret);
        await using var db = Db.CreateContext();
        var stored = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == key.Key.Id, Ct);
        Assert.Equal(ApiKeyService.Hash(key.Secret), stored.KeyHash);
        Assert.Equal(64, stored.KeyHash.Length);
        Assert.Equal(key.Secret[..12], stored.Prefix);
        var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.EntityType == "api_keys" && a.EntityId == key.Key.Id.ToString(), Ct);
        Assert.DoesNotContain(stored.KeyHash, audit.After!.RootElement.GetRawText());
        Assert.Equal("api_key.create", audit.Action);

        await using (var scope = await App.ScopeAsAsync(Demo.Admin))
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            Assert.Contains(await keys.ListAsync(Ct), k => k.Id == key.Key.Id && k.IsActive);
            await Assert.ThrowsAsync<ValidationFailedException>(() => keys.CreateAsync(key.Key.Name, Ct));
            await Assert.ThrowsAsync<ValidationFailedException>(() => keys.CreateAsync("  ", Ct));
            await Assert.ThrowsAsync<StaleEditException>(() => keys.RevokeAsync(key.Key.Id, key.Key.Version + 1, Ct));
        }
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            await Assert.ThrowsAsync<PermissionDeniedException>(() => keys.ListAsync(Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => keys.CreateAsync("sneaky", Ct));
        }
    }

    [Fact]
    public async Task Other_methods_get_405_with_allow_post_not_a_sign_in_redirect()
    {
        var client = App.CreateBrowserClient();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/api/ip-checks");
            var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Contains("POST", response.Content.Headers.Allow);
            Assert.Contains("Only POST", await ErrorOf(response));
        }
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_gets_413_with_or_without_a_declared_length()
    {
        var key = await NewKeyAsync("big");
        var client = App.CreateClient();
        var big = "{\"checks\": [" + string.Join(",", Enumerable.Repeat("{}", 600_000)) + "]}"; // about 1.8 MB, over the 1 MB default
        var declared = await client.SendAsync(Post(null, bearer: key.Secret, raw: big), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("larger than 1000000 bytes", await ErrorOf(declared));

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/ip-checks")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))), // no Content-Length: read and cut off at the limit
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.Authorization = new("Bearer", key.Secret);
        chunked.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(chunked, Ct)).StatusCode);
    }
}
