using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>/vps: the overview figures, the grid and the "New instance" action.</summary>
public sealed class VpsFleetPage(IPage page)
{
    public Task GotoAsync(string query = "") => page.GotoAsync("/vps" + query);
    public ILocator Grid => page.GetByTestId("vps-grid");
    public ILocator SavingsValue => page.GetByTestId("kpi-savings-value");
    public ILocator SpendValue => page.GetByTestId("kpi-spend-value");
    public ILocator NewInstance => page.GetByTestId("vps-new");
    public ILocator Row(string providerId) => Grid.Locator("tr", new() { HasText = providerId });
}

/// <summary>/vps/{id}: the facts, and the decommission actions with their dialog.</summary>
public sealed class VpsDetailPageObject(IPage page)
{
    public Task GotoAsync(Guid id) => page.GotoAsync($"/vps/{id}");
    public ILocator Status => page.GetByTestId("vps-status");
    public ILocator Decommission => page.GetByTestId("vps-decommission");
    public ILocator ScheduleButton => page.GetByTestId("decommission-schedule");
    public ILocator CancelButton => page.GetByTestId("decommission-cancel");
    public ILocator EditButton => page.GetByTestId("vps-edit");
    public ILocator Dialog => page.GetByTestId("decommission-dialog");
    public ILocator ImpactAssignments => page.GetByTestId("impact-assignments");
    public ILocator Saving => page.GetByTestId("decommission-saving");

    /// <summary>Opens the dialog, confirms the expiring assignments when asked, keeps the default date and schedules.</summary>
    public async Task ScheduleAtDefaultDateAsync()
    {
        await ScheduleButton.ClickAsync();
        await Dialog.WaitForAsync();
        var confirm = page.Locator("[data-testid=decommission-confirm] input[type=checkbox], input[type=checkbox][data-testid=decommission-confirm]");
        if (await confirm.CountAsync() > 0) await confirm.CheckAsync();
        await page.GetByTestId("decommission-submit").ClickAsync();
        await Dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }
}
