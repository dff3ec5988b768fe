using System.Globalization;
using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>/costs: month picker, the tenants grid, the idle and totals rows, the CSV export.</summary>
public sealed class CostsPage(IPage page)
{
    private static readonly CultureInfo Money = CultureInfo.GetCultureInfo("en-US");

    public Task GotoAsync(string query = "") => page.GotoAsync("/costs" + query);

    /// <summary>Picks the month in the picker and waits until the page has navigated to it.</summary>
    public async Task PickMonthAsync(InfraAdmin.Features.Costs.CostMonth month)
    {
        await page.GetByTestId("month-picker").SelectOptionAsync(new SelectOptionValue { Label = month.Label(Money) });
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($@"/costs\?month={month}$"));
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
    /// (the grid loads after the page renders): its named loading bar is gone and the tenant rows and idle add up to
    /// the grand total, all of <paramref name="month"/>. When they never agree the wait times out and the last reading is returned, so the caller's
    /// assertion says what differs.
    /// </summary>
    public async Task<(IReadOnlyList<(string Tenant, decimal Total)> Tenants, decimal Idle, decimal Total)> SettledTotalsAsync(
        InfraAdmin.Features.Costs.CostMonth month)
    {
        // The month's own grid and totals (the grid is keyed by month): the previous month's figures also add up.
        await Assertions.Expect(page.Locator($"[data-testid=costs-grid][data-month='{month}']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator($"[data-testid=costs-totals][data-month='{month}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Loading tenant costs" })).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        try
        {
            await page.WaitForFunctionAsync("""
                () => {
                    const money = t => Number(t.replace(/[^0-9.-]/g, ''));
                    const rows = [...document.querySelectorAll('[data-testid=costs-grid] [data-testid=tenant-total]')];
                    const idle = document.querySelector('[data-testid=idle-total]');
                    const total = document.querySelector('[data-testid=grand-total]');
                    if (!rows.length || !idle || !total) return false;
                    const sum = rows.reduce((s, r) => s + money(r.innerText), 0) + money(idle.innerText);
                    return Math.abs(sum - money(total.innerText)) < 0.005;
                }
                """, null, new() { Timeout = 15_000 });
        }
        catch (PlaywrightException) { } // timed out: the caller's assertion on the last reading says what differs
        return (await TenantTotalsAsync(), await IdleTotalAsync(), await GrandTotalAsync());
    }

    public async Task<decimal> IdleTotalAsync() => Parse(await page.GetByTestId("idle-total").InnerTextAsync());
    public async Task<decimal> GrandTotalAsync() => Parse(await page.GetByTestId("grand-total").InnerTextAsync());

    public async Task<string> ExportCsvAsync()
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path);
    }

    /// <summary>An amount as the page shows it ("USD 1,234.56"): the currency code must be there, then the number.</summary>
    private static decimal Parse(string text)
    {
        var t = text.Replace('\u00A0', ' ').Trim();
        if (!t.StartsWith("USD ", StringComparison.Ordinal)) throw new FormatException($"An amount without its currency: \"{t}\"");
        return decimal.Parse(t[4..], NumberStyles.Number, Money);
    }
}
