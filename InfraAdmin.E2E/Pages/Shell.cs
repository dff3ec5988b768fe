using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>The app's frame: the nav and the sign-out button.</summary>
public sealed class Shell(IPage page)
{
    public ILocator Nav => page.Locator("nav[aria-label='Main']");

    public async Task<IReadOnlyList<string>> NavLinksAsync(int? expectedCount = null)
    {
        await Nav.Locator("a").First.WaitForAsync();
        // Group links appear once each policy has been evaluated: wait for all of them before reading.
        if (expectedCount is { } n) await Assertions.Expect(Nav.Locator("a")).ToHaveCountAsync(n);
        return (await Nav.Locator("a").AllAsync()).Select(a => a.GetAttributeAsync("href").Result ?? "").ToList();
    }

    public Task SignOutAsync() => page.GetByTestId("sign-out").ClickAsync();
}
