using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Scale;

/// <summary>
/// No page renders an unbounded list: every page, as a signed-in user gets it, is the same size over four times the data.
/// Both sets are past a full grid page (25 rows) everywhere, so only a list that grows with the data makes a difference.
/// The benchmark (README, "Scale and benchmark") measures the same pages at 10,000 tenants.
/// </summary>
public sealed class PageSizeTests(PageSizeTests.TwoScales scales) : IClassFixture<PageSizeTests.TwoScales>
{
    private const int SmallTenants = 100, LargeTenants = 400;

    public sealed class TwoScales : IAsyncLifetime
    {
        public Scale Small { get; } = new(SmallTenants);
        public Scale Large { get; } = new(LargeTenants);

        public async ValueTask InitializeAsync()
        {
            await Small.InitializeAsync();
            await Large.InitializeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Small.DisposeAsync();
            await Large.DisposeAsync();
        }
    }

    public sealed class Scale(int tenants) : IAsyncLifetime
    {
        private readonly TestDatabase _database = new();
        private InfraAdminFactory _app = default!;
        private HttpClient? _client;

        public async ValueTask InitializeAsync()
        {
            await _database.InitializeAsync();
            await new ScaleSeeder(_database.ConnectionString, _ => { }).SeedAsync(tenants);
            _app = new InfraAdminFactory(_database);
            await _app.Services.GetRequiredService<CostRollup>().RebuildAllAsync();
            _client = await _app.SignedInClientAsync(Demo.Admin);
        }

        public async Task<string> PageAsync(string url)
        {
            var response = await _client!.GetAsync(url, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            _client?.Dispose();
            if (_app is not null) await _app.DisposeAsync();
            await _database.DisposeAsync();
        }
    }

    public static TheoryData<string> Pages() =>
    [
        "/", "/ip-reputation", "/vps", "/costs", "/tenants", "/audit", "/staff", "/staff/roles",
        "/settings/system", "/settings/feature-flags", "/settings/jobs", "/settings/api-keys", "/alerts",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_page_is_the_same_size_over_four_times_the_data(string url)
    {
        var small = (await scales.Small.PageAsync(url)).Length;
        var large = (await scales.Large.PageAsync(url)).Length;
        // Leeway for longer numbers and names in the same rows, not for more rows: a 25-row grid row is about 1 KB.
        Assert.True(large <= small * 1.03 + 2048,
            $"{url}: {small / 1024.0:F1} KB at {SmallTenants} tenants but {large / 1024.0:F1} KB at {LargeTenants}: something lists rows that grow with the data");
    }
}
