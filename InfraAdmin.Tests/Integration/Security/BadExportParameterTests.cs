using System.Net;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>A CSV export with a malformed parameter answers 400 saying what is wrong, never a 500 nor a silent coercion.</summary>
public sealed class BadExportParameterTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/staff/export.csv?role=abc", "role=“abc” must be a whole number")]
    [InlineData("/staff/export.csv?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/vps/export.csv?billing_day=abc", "billing_day=“abc” must be a whole number from 1 to 31")]
    [InlineData("/vps/export.csv?renewing_within=99999999999", "renewing_within=“99999999999” must be a whole number")]
    [InlineData("/vps/export.csv?region=x%00", "“region” contains a NUL character")]
    [InlineData("/audit/export.csv?from=notadate", "from=“notadate” is not a date")]
    [InlineData("/audit/export.csv?tenant=zzz", "tenant=“zzz” is not a valid id")]
    [InlineData("/audit/export.csv?actor=%00", "“actor” contains a NUL character")]
    [InlineData("/ip-reputation/export.csv?vps=notaguid", "vps=“notaguid” is not a valid id")]
    [InlineData("/ip-reputation/export.csv?stale=maybe", "stale=“maybe” must be true or false")]
    [InlineData("/ip-reputation/export.csv?degraded_within=-1", "degraded_within=“-1” must be a whole number")]
    [InlineData("/ip-reputation/export.csv?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/ip-reputation/export.csv?stale=true%00", "stale=“true␀” must be true or false")] // .NET alone reads it as true
    [InlineData("/vps/export.csv?billing_day=5%00", "billing_day=“5␀” must be a whole number from 1 to 31")]
    [InlineData("/tenants/export.csv?status=sleeping", "status=“sleeping” must be one of active, trial, suspended")]
    [InlineData("/tenants/export.csv?q=a%00b", "“q” contains a NUL character")]
    [InlineData("/costs/export.csv?month=abc", "is not a month")]
    public async Task A_bad_parameter_answers_400_saying_what_is_wrong(string url, string message)
    {
        var client = await App.SignedInClientAsync(Demo.Admin);
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/staff/export.csv?role=1&q=a")]
    [InlineData("/vps/export.csv?billing_day=5&renewing_within=30")]
    [InlineData("/audit/export.csv?from=2026-01-01")]
    [InlineData("/ip-reputation/export.csv?stale=true&degraded_within=7")]
    [InlineData("/tenants/export.csv?status=active&plan=growth&q=a")]
    public async Task Good_parameters_give_the_file(string url)
    {
        var client = await App.SignedInClientAsync(Demo.Admin);
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
    }
}
