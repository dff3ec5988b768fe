using AngleSharp.Html.Parser;
using InfraAdmin.Tests.Support;
using InfraAdmin.Features.Costs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>Stored markup in tenant, region, VPS and provider names reaches every page with a chart as text, never as elements.</summary>
public sealed class ChartMarkupTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const string Img = "<img src=x id=pwn1>";
    private const string Meta = "<meta http-equiv=\"refresh\" content=\"0;url=https://example.com\">";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Markup_in_stored_names_is_shown_as_text_on_every_page_with_a_chart()
    {
        Guid topTenant;
        await using (var db = Db.CreateContext())
        {
            // This class's own database: every tenant, region, VPS and blacklist provider gets a name that is markup.
            await db.Database.ExecuteSqlAsync(
                $"UPDATE tenants SET name = CASE WHEN id::text < '8' THEN {Img} ELSE {Meta} END || ' ' || left(id::text, 8)", Ct);
            await db.Database.ExecuteSqlAsync($"UPDATE vps_instances SET region = {Img} || left(id::text, 4), hostwinds_instance_id = {Img} || id::text", Ct);
            await db.Database.ExecuteSqlAsync($"UPDATE smtp_ip_listings SET provider = {Img} || provider", Ct);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            await scope.ServiceProvider.GetRequiredService<CostRollup>().RebuildAsync(today.AddMonths(-11).AddDays(1 - today.Day), today, Ct);
        }
        await using (var db = Db.CreateContext())
            topTenant = (await db.TenantCostMonthly.Where(c => c.TenantId != null).OrderByDescending(c => c.TotalRounded).FirstAsync(Ct)).TenantId!.Value;

        var client = await App.SignedInClientAsync(Demo.Admin);
        foreach (var path in new[] { "/costs", $"/costs/tenants/{topTenant}", "/ip-reputation", "/vps" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
            var html = await response.Content.ReadAsStringAsync(Ct);
            var doc = await new HtmlParser().ParseDocumentAsync(html, Ct);
            Assert.True(doc.QuerySelectorAll("img#pwn1").Length == 0, $"{path} made an <img> from a stored name");
            Assert.True(doc.QuerySelectorAll("meta[http-equiv]").Length == 0, $"{path} made a <meta http-equiv> from a stored name");
            var text = doc.Body!.TextContent;
            Assert.True(text.Contains(Img), path + " does not show the name as text");
            Assert.DoesNotContain("&lt;", text); // shown once as text, not double-encoded
        }
    }
}
