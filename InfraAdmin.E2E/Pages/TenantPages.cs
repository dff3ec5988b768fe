using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>The tenant self-service pages: settings, policies, members, invite, and the user's preferences.</summary>
public sealed class TenantPages(IPage page)
{
    /// <summary>The input of a MudBlazor field carrying a data-testid (on the input or on its wrapper).</summary>
    public ILocator Field(string testId) => page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    public async Task FillAsync(string testId, string value)
    {
        // Until the circuit has rendered once, a value typed into the prerendered page can be reset: type until it stays.
        var field = Field(testId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await field.FillAsync(value);
            await field.PressAsync("Tab");
            await page.WaitForTimeoutAsync(200);
            if (await field.InputValueAsync() == value) return;
        }
    }

    public Task ToggleAsync(string label) => page.GetByText(label, new() { Exact = true }).ClickAsync();

    public ILocator AppBarLogo => page.Locator("header.mud-appbar img").First;
    public ILocator AppBar => page.Locator("header.mud-appbar").First;
    public ILocator Snackbar => page.Locator(".mud-snackbar");
}
