using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>
/// <c>smtp_ip_listings</c> (kept by a trigger) always says what <see cref="IpReputationService.Providers"/> reads from the
/// JSON: whoever writes the IP, whatever shape the JSON has. The "listed" filters and per-provider counts rely on it.
/// </summary>
public sealed class IpListingsTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string[]> ListingsAsync(Guid ip)
    {
        await using var db = Db.CreateContext();
        return await db.SmtpIpListings.AsNoTracking().Where(l => l.SmtpIpAddressId == ip).Select(l => l.Provider).OrderBy(p => p).ToArrayAsync(Ct);
    }

    [Theory]
    [InlineData("""{"spamhaus": {"listed": true}, "barracuda": {"listed": false}, "sorbs": {"listed": true, "detail": "x"}}""", "sorbs,spamhaus")]
    [InlineData("""{"spamhaus": {"listed": "true"}, "spamcop": {"listed": 1}}""", "")]
    [InlineData("""{"spamhaus": true, "barracuda": [{"listed": true}]}""", "")]
    [InlineData("""[{"listed": true}]""", "")]
    [InlineData("""null""", "")]
    public async Task Listings_match_the_providers_read_from_the_json(string json, string expected)
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, blacklist: json);
        await using var db = Db.CreateContext();
        var stored = await db.SmtpIpAddresses.AsNoTracking().Where(i => i.Id == ip.Id).Select(i => i.ProviderBlacklistStatus).SingleAsync(Ct);
        var read = IpReputationService.Providers(stored).Where(p => p.Listed).Select(p => p.Provider).Order(StringComparer.Ordinal);
        Assert.Equal(expected, string.Join(",", read));
        Assert.Equal(expected, string.Join(",", await ListingsAsync(ip.Id)));
    }

    [Fact]
    public async Task A_check_moves_the_listing_and_the_listed_filter_and_overview_follow()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, blacklist: """{"barracuda": {"listed": true}}""");
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var checks = scope.ServiceProvider.GetRequiredService<IpCheckService>();
        var ips = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        var before = await ips.OverviewAsync(Ct);
        Assert.Equal(["barracuda"], await ListingsAsync(ip.Id));

        await checks.RecordAsync(ip.Id, "barracuda", false, null, null, Ct);
        await checks.RecordAsync(ip.Id, "spamhaus", true, "SBL1", null, Ct);

        Assert.Equal(["spamhaus"], await ListingsAsync(ip.Id));
        var onSpamhaus = await ips.SearchAsync(new IpFilter(Q: ip.IpAddress, Listed: "spamhaus"), IpSort.IpAddress, false, 0, 25, Ct);
        Assert.Equal(ip.Id, Assert.Single(onSpamhaus.Rows).Id);
        Assert.Empty((await ips.SearchAsync(new IpFilter(Q: ip.IpAddress, Listed: "barracuda"), IpSort.IpAddress, false, 0, 25, Ct)).Rows);
        Assert.Single((await ips.SearchAsync(new IpFilter(Q: ip.IpAddress, Listed: IpFilter.AnyProvider), IpSort.IpAddress, false, 0, 25, Ct)).Rows);
        var after = await ips.OverviewAsync(Ct);
        int Count(IpOverview o, string provider) => o.ListedByProvider.FirstOrDefault(p => p.Key == provider)?.Count ?? 0;
        Assert.Equal(Count(before, "barracuda") - 1, Count(after, "barracuda"));
        Assert.Equal(Count(before, "spamhaus") + 1, Count(after, "spamhaus"));
        Assert.Equal(before.Listed, after.Listed);

        await using var db = Db.CreateContext();
        await db.SmtpIpAddresses.Where(i => i.Id == ip.Id).ExecuteDeleteAsync(Ct);
        Assert.Empty(await ListingsAsync(ip.Id));
    }
}
