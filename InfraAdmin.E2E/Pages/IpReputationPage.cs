using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>The IP reputation list (overview, filters, grid) and an IP's page.</summary>
public sealed class IpReputationPage(IPage page)
{
    public Task GotoAsync(string query = "") => page.GotoAsync("/ip-reputation" + query);
    public Task GotoIpAsync(Guid id) => page.GotoAsync($"/ip-reputation/{id}");

    public ILocator Kpi(string name) => page.GetByTestId("kpi-" + name);
    public ILocator IpLinks => page.GetByTestId("ip-link");
    public ILocator IpLink(string address) => page.GetByTestId("ip-link").Filter(new() { HasText = address });
    public ILocator BulkBar => page.GetByTestId("bulk-bar");
    public ILocator ImportButton => page.GetByTestId("import-checks");
    public ILocator VpsFilter => page.Locator("input[data-testid='filter-vps'], [data-testid='filter-vps'] input").First;
    public ILocator ApplyFilters => page.GetByTestId("apply-filters");

    public ILocator Status => page.GetByTestId("ip-status");
    public ILocator QuarantineButton => page.GetByTestId("quarantine");
    public ILocator ChangeStatusButton => page.GetByTestId("change-status");
    public ILocator BlastRadius => page.GetByTestId("blast-radius");
    public ILocator History => page.GetByTestId("history");
    public ILocator Facts => page.GetByTestId("ip-facts");

    public async Task QuarantineAsync(string reason)
    {
        await QuarantineButton.ClickAsync();
        await BlastRadius.WaitForAsync();
        await page.GetByLabel("Reason (kept in the IP's history)").FillAsync(reason);
        await page.GetByTestId("confirm-change").ClickAsync();
    }
}
