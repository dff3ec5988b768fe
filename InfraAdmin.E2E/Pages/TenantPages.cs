using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>The tenant self-service pages: settings, policies, members, invite, and the user's preferences.</summary>
public sealed class TenantPages(IPage page)
{
    /// <summary>The input of a MudBlazor field carrying a data-testid (on the input or on its wrapper).</summary>
    public ILocator Field(string testId) => page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    public async Task FillAsync(string testId, string value)
    {
        // A value typed into the prerendered page can be reset when the circuit first renders: wait for the circuit.
        await page.Locator(".mud-layout[data-circuit='on']").WaitForAsync(new() { Timeout = 30_000 });
        var field = Field(testId);
        await field.FillAsync(value);
        await field.PressAsync("Tab");
        await Assertions.Expect(field).ToHaveValueAsync(value);
    }

    public Task ToggleAsync(string label) => page.GetByText(label, new() { Exact = true }).ClickAsync();

    public ILocator AppBarLogo => page.Locator("header.mud-appbar img").First;
    public ILocator AppBar => page.Locator("header.mud-appbar").First;
    public ILocator Snackbar => page.Locator(".mud-snackbar");
}
