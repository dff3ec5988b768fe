using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>/settings/system: the key list, its editor and a key's history.</summary>
public sealed class SystemConfigPage(IPage page)
{
    /// <summary>Opens the page and waits until its circuit renders it interactively (events before that are lost).</summary>
    public async Task GotoAsync()
    {
        await page.GotoAsync("/settings/system");
        await page.Locator("[data-testid=config-list][data-interactive=true]").WaitForAsync();
    }

    public ILocator Row(string key) => page.Locator($"[data-testid=config-row][data-key='{key}']");

    public ILocator ValueOf(string key) => Row(key).GetByTestId("config-value");

    public Task EditAsync(string key) => Row(key).GetByTestId("edit").ClickAsync();

    public ILocator Editor => page.GetByTestId("config-editor");

    public ILocator ValueInput => Editor.GetByRole(AriaRole.Textbox, new() { Name = "Value (JSON)" });

    /// <summary>Clicks Save and waits until that attempt has finished on the server (saved or refused).</summary>
    public async Task SaveAsync()
    {
        var before = int.Parse(await Editor.GetAttributeAsync("data-saves") ?? "0");
        await page.GetByTestId("save-config").ClickAsync();
        await page.WaitForFunctionAsync(
            "n => { const e = document.querySelector('[data-testid=config-editor]'); return !e || Number(e.dataset.saves) > n; }", before);
    }
}

/// <summary>/settings/feature-flags: one card per flag with its rollout controls and preview.</summary>
public sealed class FeatureFlagsPage(IPage page)
{
    /// <summary>Opens the page and waits until its circuit renders it interactively (events before that are lost).</summary>
    public async Task GotoAsync()
    {
        await page.GotoAsync("/settings/feature-flags");
        await page.Locator("[data-testid=flag-list][data-interactive=true]").WaitForAsync();
    }

    public ILocator Card(string key) => page.Locator($"[data-testid=flag-card][data-key='{key}']");

    public ILocator PreviewCount(string key) => Card(key).GetByTestId("preview-count");

    public ILocator PreviewTenantResult(string key) => Card(key).GetByTestId("preview-tenant-result");

    public async Task SetRolloutAsync(string key, int percentage)
    {
        var input = Card(key).GetByRole(AriaRole.Textbox, new() { Name = "Rollout %" });
        await input.FillAsync(percentage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await input.PressAsync("Tab");
    }

    public Task SaveAsync(string key) => Card(key).GetByTestId("save-flag").ClickAsync();

    public async Task ChoosePreviewTenantAsync(string name)
    {
        await page.GetByTestId("preview-tenant").FillAsync(name);
        await page.GetByRole(AriaRole.Option, new() { Name = name }).ClickAsync();
    }
}
