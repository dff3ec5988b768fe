using System.Globalization;
using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>/costs: month picker, the tenants grid, the idle and totals rows, the CSV export.</summary>
public sealed class CostsPage(IPage page)
{
    private static readonly CultureInfo Money = CultureInfo.GetCultureInfo("en-US");

    public Task GotoAsync(string query = "") => page.GotoAsync("/costs" + query);

    public async Task PickMonthAsync(string label)
    {
        await page.GetByTestId("month-picker").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = label, Exact = true }).ClickAsync();
    }

    public ILocator Grid => page.GetByTestId("costs-grid");
    public ILocator Message => page.GetByTestId("costs-message");

    public async Task<IReadOnlyList<(string Tenant, decimal Total)>> TenantTotalsAsync()
    {
        await Grid.Locator("[data-testid=tenant-total]").First.WaitForAsync();
        var names = await Grid.GetByTestId("tenant-link").AllInnerTextsAsync();
        var totals = await Grid.GetByTestId("tenant-total").AllInnerTextsAsync();
        return names.Zip(totals, (n, t) => (n.Trim(), Parse(t))).ToList();
    }

    /// <summary>
    /// The grid's tenant totals, idle and the grand total once the grid has loaded the month shown in the totals row
    /// (the grid loads after the page renders); the last reading when they never agree, so the caller's assertion fails.
    /// </summary>
    public async Task<(IReadOnlyList<(string Tenant, decimal Total)> Tenants, decimal Idle, decimal Total)> SettledTotalsAsync()
    {
        (IReadOnlyList<(string, decimal)>, decimal, decimal) reading = default;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            reading = (await TenantTotalsAsync(), await IdleTotalAsync(), await GrandTotalAsync());
            // Settled: the figures add up and a second read a moment later sees the same rows (no render in between).
            await page.WaitForTimeoutAsync(300);
            var again = await TenantTotalsAsync();
            if (reading.Item1.Sum(t => t.Item2) + reading.Item2 == reading.Item3 && again.SequenceEqual(reading.Item1)) break;
            await page.WaitForTimeoutAsync(250);
        }
        return reading;
    }

    public async Task<decimal> IdleTotalAsync() => Parse(await page.GetByTestId("idle-total").InnerTextAsync());
    public async Task<decimal> GrandTotalAsync() => Parse(await page.GetByTestId("grand-total").InnerTextAsync());

    public async Task<string> ExportCsvAsync()
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path);
    }

    private static decimal Parse(string text) => decimal.Parse(text.Trim(), NumberStyles.Number, Money);
}
