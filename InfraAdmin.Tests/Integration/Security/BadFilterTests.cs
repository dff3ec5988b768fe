using System.Net;
using AngleSharp.Html.Parser;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>A malformed filter in a page's link is ignored with a visible message, never answered with a 500.</summary>
public sealed class BadFilterTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/ip-reputation?vps=notaguid", "vps=“notaguid” is not a valid id")]
    [InlineData("/ip-reputation?stale=maybe", "stale=“maybe” must be true or false")]
    [InlineData("/ip-reputation?trouble=1&degraded_within=-1", "degraded_within=“-1” must be a whole number")]
    [InlineData("/ip-reputation?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/ip-reputation?region=a%00b", "“region” contains a NUL character")]
    [InlineData("/vps?billing_day=abc", "billing_day=“abc” must be a whole number from 1 to 31")]
    [InlineData("/vps?renewing_within=99999999999", "renewing_within=“99999999999” must be a whole number")]
    [InlineData("/vps?q=x%00", "“q” contains a NUL character")]
    [InlineData("/audit?from=notadate", "from=“notadate” is not a date")]
    [InlineData("/audit?tenant=zzz&to=2026-13-45", "tenant=“zzz” is not a valid id")]
    [InlineData("/audit?actor=%00", "“actor” contains a NUL character")]
    [InlineData("/staff?role=abc", "role=“abc” must be a whole number")]
    [InlineData("/staff?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/tenants?status=sleeping", "status=“sleeping” must be one of active, trial, suspended")]
    [InlineData("/tenants?plan=free&q=x", "plan=“free” must be one of starter, growth, scale, enterprise")]
    [InlineData("/tenants?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/settings/system?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/costs?q=a%00b", "“q” contains a NUL character")]
    public async Task A_bad_filter_is_ignored_with_a_message(string url, string message)
    {
        var client = await App.SignedInClientAsync(Demo.Admin);
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync(Ct), Ct);
        var alert = doc.QuerySelector("[data-testid=filter-message]");
        Assert.NotNull(alert);
        Assert.Contains(message, alert.TextContent);
        Assert.Contains("was ignored", alert.TextContent);
    }

    [Fact]
    public async Task Good_filters_give_no_message()
    {
        var client = await App.SignedInClientAsync(Demo.Admin);
        foreach (var url in new[]
                 {
                     "/ip-reputation?stale=true&degraded_within=7", "/vps?billing_day=5&renewing_within=30", "/audit?from=2026-01-01",
                     "/staff?role=1&q=a", "/tenants?status=active&plan=growth&q=a", "/settings/system?q=ip", "/costs?q=acme",
                 })
        {
            var html = await client.GetStringAsync(url, Ct);
            Assert.DoesNotContain("data-testid=\"filter-message\"", html);
        }
    }

    [Theory]
    [InlineData("/tenant/accept-invite?userId=zzz&code=abc")]
    [InlineData("/tenant/accept-invite?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff")]
    [InlineData("/tenant/accept-invite?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=a%00b")]
    public async Task A_malformed_invitation_link_says_it_is_invalid(string url)
    {
        var response = await App.CreateBrowserClient().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This link is invalid or has expired", await response.Content.ReadAsStringAsync(Ct));
    }
}
