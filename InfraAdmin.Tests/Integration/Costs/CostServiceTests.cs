using System.Net;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>The cost service on the demo data: permissions, bad input, totals to the cent, paging, the CSV export.</summary>
public sealed class CostServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture), IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CostRollup>().RebuildAllAsync(Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<T> AsAsync<T>(string user, Func<CostService, Task<T>> call)
    {
        await using var scope = await App.ScopeAsAsync(user);
        return await call(scope.ServiceProvider.GetRequiredService<CostService>());
    }

    [Theory]
    [InlineData(Demo.Ops)]
    [InlineData(Demo.Support)]
    [InlineData(Demo.AcmeAdmin)]
    [InlineData(Demo.AcmeMember)]
    public async Task Users_without_costs_view_are_refused(string user)
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(user, s => s.GetMonthAsync(null, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(user, s => s.GetTenantAsync(Demo.AcmeTenant, null, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(user, s => s.ExportAsync(null, Ct)));
    }

    [Fact]
    public async Task Every_month_of_the_demo_adds_up_to_the_cent_and_the_current_month_is_to_date()
    {
        var current = await AsAsync(Demo.Exec, s => Task.FromResult(s.CurrentMonth));
        for (var i = 0; i < CostRollup.RebuildMonths; i++)
        {
            var result = await AsAsync(Demo.Exec, s => s.GetMonthAsync(current.AddMonths(-i).ToString(), Ct));
            var m = Assert.IsType<CostMonthSummary>(result.Value);
            var rows = await AsAsync(Demo.Exec, s => s.AllRowsAsync(m, Ct));
            Assert.Equal(m.TenantCount, rows.Count);
            Assert.Equal(m.Totals.Total, rows.Sum(t => t.Total) + m.Idle.Total);
            Assert.Equal(m.Totals.IpCost, rows.Sum(t => t.IpCost) + m.Idle.IpCost);
            Assert.Equal(m.Totals.VpsCost, rows.Sum(t => t.VpsCost) + m.Idle.VpsCost);
            Assert.Equal(m.Totals.Revenue, rows.Sum(t => t.Revenue));
            Assert.Equal(i == 0 ? DateTime.UtcNow.Day : m.Month.DaysInMonth, m.DaysCounted);
        }
        var now = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(null, Ct))).Value!;
        Assert.Equal(Math.Round(now.Totals.Total * now.Month.DaysInMonth / now.DaysCounted, 2, MidpointRounding.AwayFromZero), now.Project(now.Totals.Total));
        var acme = (await AsAsync(Demo.Exec, s => s.AllRowsAsync(now, Ct))).Single(t => t.TenantId == Demo.AcmeTenant);
        Assert.Equal(Math.Round(4500m * now.DaysCounted / now.Month.DaysInMonth, 2, MidpointRounding.AwayFromZero), acme.Revenue);
    }

    [Fact]
    public async Task The_trend_is_each_month_pages_total_and_idle()
    {
        var current = await AsAsync(Demo.Exec, s => Task.FromResult(s.CurrentMonth));
        var trend = await AsAsync(Demo.Exec, s => s.TrendAsync(current, Ct));
        Assert.Equal(CostService.TrendMonths, trend.Count);
        foreach (var point in trend)
        {
            var month = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(point.Month.ToString(), Ct))).Value!;
            Assert.Equal((month.Totals.Total, month.Idle.Total, month.ToDate), (point.Total, point.Idle, point.ToDate));
        }
        Assert.True(trend[^1].ToDate || DateTime.UtcNow.Day == current.DaysInMonth);
    }

    [Theory]
    [InlineData("2999-01", "has not started yet")]
    [InlineData("2001-05", "No cost figures are kept for May 2001")]
    [InlineData("1900-01", "No cost figures are kept for January 1900: the figures cover")]
    [InlineData("0001-01", "No cost figures are kept for January 0001")]
    [InlineData("9999-12", "has not started yet")]
    [InlineData("last month", "is not a month")]
    [InlineData("2026-13", "is not a month")]
    public async Task Bad_months_give_a_clear_message_and_no_figures(string month, string message)
    {
        var result = await AsAsync(Demo.Exec, s => s.GetMonthAsync(month, Ct));
        Assert.Null(result.Value);
        Assert.Contains(message, result.Message);
    }

    [Fact]
    public async Task The_tenant_page_says_no_figures_are_kept_that_far_back()
    {
        var result = await AsAsync(Demo.Exec, s => s.GetTenantAsync(Demo.GlobexTenant, "1900-01", Ct));
        Assert.Null(result.Value);
        Assert.Contains("No cost figures are kept for January 1900", result.Message);
    }

    [Fact]
    public async Task An_unknown_tenant_gives_a_message()
    {
        var result = await AsAsync(Demo.Exec, s => s.GetTenantAsync(Guid.NewGuid(), null, Ct));
        Assert.Null(result.Value);
        Assert.Contains("no tenant", result.Message);
    }

    [Fact]
    public async Task The_tenant_page_has_twelve_months_and_the_ips_it_used()
    {
        var detail = (await AsAsync(Demo.Exec, s => s.GetTenantAsync(Demo.GlobexTenant, null, Ct))).Value!;
        Assert.Equal(CostService.TrendMonths, detail.Months.Count);
        Assert.NotEmpty(detail.Ips);
        Assert.NotEmpty(detail.Vps);
        Assert.All(detail.Ips, ip => Assert.InRange(ip.Days, 1, 366));
        var month = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(null, Ct))).Value!;
        var row = (await AsAsync(Demo.Exec, s => s.AllRowsAsync(month, Ct))).Single(t => t.TenantId == Demo.GlobexTenant);
        // The tenant page shows exactly the tenant's row of the month table.
        Assert.Equal((row.IpCost, row.VpsCost, row.Total), (detail.Months[^1].IpCost, detail.Months[^1].VpsCost, detail.Months[^1].Total));
    }

    [Fact]
    public async Task Paging_sorts_and_searches_on_the_server_and_fills_domain_counts()
    {
        var month = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(null, Ct))).Value!;
        var all = await AsAsync(Demo.Exec, s => s.AllRowsAsync(month, Ct));
        var page = await AsAsync(Demo.Exec, s => s.PageAsync(month, null, nameof(TenantCostRow.Total), true, 0, 2, Ct));
        Assert.Equal(month.TenantCount, page.Total);
        Assert.Equal(all.OrderByDescending(t => t.Total).Take(2).Select(t => t.Total), page.Rows.Select(r => r.Total));
        Assert.Equal(all.Where(t => t.Total > 0).OrderByDescending(t => t.Total).Take(CostMonthSummary.HighestCount).Select(t => t.Total),
            month.Highest.Select(t => t.Total));
        foreach (var sort in new[] { nameof(TenantCostRow.Margin), nameof(TenantCostRow.MarginPercent), nameof(TenantCostRow.Revenue), nameof(TenantCostRow.Name) })
        {
            var asc = await AsAsync(Demo.Exec, s => s.PageAsync(month, null, sort, false, 0, 200, Ct));
            var desc = await AsAsync(Demo.Exec, s => s.PageAsync(month, null, sort, true, 0, 200, Ct));
            Assert.Equal(all.Count, asc.Rows.Count);
            Assert.Equal(asc.Rows.Select(r => r.TenantId).Order(), desc.Rows.Select(r => r.TenantId).Order());
            var key = (Func<TenantCostRow, decimal?>)(sort switch
            {
                nameof(TenantCostRow.Margin) => r => r.Margin,
                nameof(TenantCostRow.MarginPercent) => r => r.MarginPercent,
                nameof(TenantCostRow.Revenue) => r => r.Revenue,
                _ => _ => 0,
            });
            Assert.Equal(asc.Rows.Select(key).Order(), asc.Rows.Select(key));
            Assert.Equal(desc.Rows.Select(key).OrderDescending(), desc.Rows.Select(key));
        }
        Assert.All(page.Rows, r => Assert.NotNull(r.Domains));
        var search = await AsAsync(Demo.Exec, s => s.PageAsync(month, "glob", null, false, 0, 25, Ct));
        Assert.Equal("Globex Mailworks", Assert.Single(search.Rows).Name);
        Assert.True(search.Rows[0].Domains > 0);
    }

    [Fact]
    public async Task The_csv_needs_costs_export_and_matches_the_month()
    {
        var month = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(null, Ct))).Value!;
        using var exec = await App.SignedInClientAsync(Demo.Exec);
        var csv = await exec.GetStringAsync($"/costs/export.csv?month={month.Month}", Ct);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("month,days_counted,tenant_id,tenant,revenue_usd,ip_cost_usd,vps_cost_usd,total_cost_usd,margin_usd", lines[0]);
        Assert.Equal(month.TenantCount + 3, lines.Length);
        Assert.EndsWith(month.Totals.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[^1].Split(',')[7]);

        using var ops = await App.SignedInClientAsync(Demo.Ops);
        var denied = await ops.GetAsync("/costs/export.csv", Ct);
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
    }

    [Fact]
    public async Task The_months_highest_cost_tenants_are_a_ranked_list_of_readable_names_linked_to_their_cost()
    {
        var month = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(null, Ct))).Value!;
        Assert.NotEmpty(month.Highest);
        using var exec = await App.SignedInClientAsync(Demo.Exec);
        var html = await exec.GetStringAsync("/costs", Ct);
        var doc = await new AngleSharp.Html.Parser.HtmlParser().ParseDocumentAsync(html, Ct);
        var list = doc.QuerySelector("[data-testid=top-tenants]");
        Assert.NotNull(list); // HTML text, not an SVG bar chart whose axis labels were about 6 px
        Assert.Empty(doc.QuerySelectorAll("[data-testid=chart-top-tenants] svg"));
        var items = list.QuerySelectorAll("li");
        Assert.Equal(month.Highest.Select(t => (t.Name, $"costs/tenants/{t.TenantId}", "USD\u00A0" + t.Total.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("en-US")))),
            items.Select(li => (li.QuerySelector("a")!.TextContent, li.QuerySelector("a")!.GetAttribute("href")!, li.QuerySelector("strong")!.TextContent)));
        Assert.Contains("Top tenants by cost (USD)", doc.QuerySelector("[data-testid=chart-top-tenants] h2")!.TextContent);
    }

    [Fact]
    public async Task The_tenant_page_and_the_overview_card_render_for_an_executive()
    {
        using var exec = await App.SignedInClientAsync(Demo.Exec);
        var tenantPage = await exec.GetStringAsync($"/costs/tenants/{Demo.GlobexTenant}", Ct);
        Assert.Contains("Cost of Globex Mailworks", tenantPage);
        Assert.Contains("data-testid=\"tenant-ips\"", tenantPage);
        var unknown = await exec.GetStringAsync($"/costs/tenants/{Guid.NewGuid()}", Ct);
        Assert.Contains("There is no tenant with this id", unknown);
        var overview = await exec.GetStringAsync("/", Ct);
        Assert.Contains("data-testid=\"overview-comparison\"", overview);
        Assert.Contains("Tenants with a negative margin", overview);
    }

    [Fact]
    public async Task Pages_by_a_kept_figure_are_the_months_full_order_with_tenants_without_costs_among_the_zeros()
    {
        // A tenant without domains: no kept rows, shown at zero this month.
        var idle = Guid.CreateVersion7();
        await using (var db = Db.CreateContext())
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO tenants (id, name, slug, status, plan, monthly_revenue) VALUES ({idle}, 'Aaa No Costs', {"no-costs-" + idle.ToString("N")}, 'active', 'starter', 10)", Ct);
        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var costs = scope.ServiceProvider.GetRequiredService<CostService>();
        var month = (await costs.GetMonthAsync(null, Ct)).Value!;
        var all = await costs.AllRowsAsync(month, Ct);
        Assert.Contains(all, r => r.TenantId == idle && r.Total == 0);
        Assert.True(all.Count(r => r.Total > 0) > 3, "enough tenants with costs for a first page read from the index");

        foreach (var (sort, figure) in new (string, Func<TenantCostRow, decimal>)[]
                 { (nameof(TenantCostRow.Total), r => r.Total), (nameof(TenantCostRow.IpCost), r => r.IpCost), (nameof(TenantCostRow.VpsCost), r => r.VpsCost) })
        {
            foreach (var descending in new[] { true, false })
            {
                // The page's order: the figure, then the name (lower case, byte order), then the id.
                var expected = (descending ? all.OrderByDescending(figure) : all.OrderBy(figure))
                    .ThenBy(r => r.Name.ToLowerInvariant(), StringComparer.Ordinal).ThenBy(r => r.TenantId.ToString(), StringComparer.Ordinal)
                    .Select(r => r.TenantId).ToList();
                var paged = new List<TenantCostRow>();
                for (var page = 0; paged.Count < all.Count; page++)
                {
                    var next = await costs.PageAsync(month, null, sort, descending, page, 3, Ct);
                    Assert.Equal(all.Count, next.Total);
                    Assert.NotEmpty(next.Rows);
                    paged.AddRange(next.Rows);
                }
                Assert.Equal(expected, paged.Select(r => r.TenantId).ToList());
                Assert.Equal(all.OrderBy(r => r.TenantId).Select(r => (r.Revenue, r.IpCost, r.VpsCost, r.Total)),
                    paged.OrderBy(r => r.TenantId).Select(r => (r.Revenue, r.IpCost, r.VpsCost, r.Total)));
            }
        }
    }
}
