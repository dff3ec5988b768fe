using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>The sign-in page.</summary>
public sealed class LoginPage(IPage page)
{
    public Task GotoAsync() => page.GotoAsync("/Account/Login");

    public async Task SignInAsync(string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
    }

    public ILocator Error => page.Locator(".alert-danger");
}
