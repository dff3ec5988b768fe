using Bunit;
using InfraAdmin.Components.Shared;
using InfraAdmin.Features.IpReputation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InfraAdmin.Tests.Components;

/// <summary>
/// StaticHtml: a display-only component as HTML, encoded as a live render encodes, complete on return (so a page has it in
/// its first render), and one shared string for equal HTML. The IP overview is drawn that way.
/// </summary>
public sealed class StaticHtmlTests : BunitTest
{
    private static readonly CountBy[] Statuses = [new("available", 2), new("<script>alert(1)</script>", 1)];

    private Task<Microsoft.AspNetCore.Components.MarkupString> RenderList(IReadOnlyList<CountBy> items) =>
        StaticHtml.RenderAsync<FigureList>(Services, Services.GetRequiredService<ILoggerFactory>(), new Dictionary<string, object?>
        {
            [nameof(FigureList.Items)] = items, [nameof(FigureList.Parameter)] = "status", [nameof(FigureList.TestId)] = "by-status",
        });

    [Fact]
    public async Task The_html_is_encoded_complete_on_return_and_shared_when_equal()
    {
        var first = RenderList(Statuses);
        Assert.True(first.IsCompletedSuccessfully); // no render without it: the page takes it in the same render
        var html = (await first).Value;
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("href=\"ip-reputation?status=%3Cscript%3Ealert%281%29%3C%2Fscript%3E\"", html);

        var again = (await RenderList(Statuses.ToArray())).Value; // equal data, new objects: the same string
        Assert.Same(html, again);
        Assert.NotSame(html, (await RenderList([new("available", 3)])).Value);
    }

    [Fact]
    public void The_ip_overview_shows_its_figures_breakdowns_and_top_vps_and_follows_a_new_overview()
    {
        var vps = Guid.NewGuid();
        IpOverview Overview(int total) => new(total, 1, 1, 0, 0, 24, Statuses, [new("good", 2)], [new("spamhaus", 1)],
            [new IpBreakdown("eu-<west>", vps, "vps-<1>", total, 1, 1, 0, 0)], 1);
        RenderInteractively();
        var panel = Render<IpOverviewPanel>(p => p.Add(x => x.Overview, Overview(3)));

        Assert.Equal("3", panel.Find("[data-testid=kpi-total] .mud-typography-h4").TextContent);
        Assert.Equal(["available", "<script>alert(1)</script>"], panel.FindAll("[data-testid=by-status] a").Select(a => a.TextContent));
        Assert.Equal(["good"], panel.FindAll("[data-testid=by-reputation] a").Select(a => a.TextContent));
        Assert.Equal(["spamhaus"], panel.FindAll("[data-testid=by-provider] a").Select(a => a.TextContent));
        var row = panel.Find("[data-testid=by-vps] tbody tr");
        Assert.Equal("eu-<west>", row.QuerySelector("td a")!.TextContent);
        Assert.Equal($"ip-reputation?vps={vps}", row.QuerySelectorAll("td a")[1].GetAttribute("href"));
        Assert.NotNull(panel.Find(".status-donut").QuerySelector(".mud-chart"));

        panel.Render(p => p.Add(x => x.Overview, Overview(7))); // a change: the new overview's figures
        Assert.Equal("7", panel.Find("[data-testid=kpi-total] .mud-typography-h4").TextContent);
        Assert.Equal("7", panel.Find("[data-testid=by-vps] tbody tr td:nth-child(3)").TextContent);
    }
}
