using Microsoft.Playwright;

namespace InfraAdmin.E2E.Pages;

/// <summary>/staff/roles: the roles list, the new-role form and the permission matrix.</summary>
public sealed class RolesPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("/staff/roles");
        await page.Locator("[data-testid='permission-matrix'][data-interactive='true']").WaitForAsync();
    }

    public async Task CreateRoleAsync(string name)
    {
        await page.GetByTestId("new-role-name").FillAsync(name);
        await page.GetByTestId("create-role").ClickAsync();
        await page.GetByTestId("roles-table").GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).WaitForAsync();
    }

    public ILocator Cell(int roleId, string permission) => page.GetByTestId($"cell-{roleId}-{permission}");
    public ILocator Diff => page.GetByTestId("matrix-diff");

    public async Task SaveMatrixAsync()
    {
        await page.GetByTestId("matrix-save").ClickAsync();
        await Assertions.Expect(Diff).ToContainTextAsync("No pending changes");
    }
}

/// <summary>/staff: the staff grid and a member's panel.</summary>
public sealed class StaffListPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("/staff");
        await page.Locator("[data-testid='staff-grid'][data-interactive='true']").WaitForAsync();
    }

    public ILocator Panel => page.GetByTestId("member-panel");

    public async Task OpenAsync(string email)
    {
        await page.GetByTestId($"open-{email}").ClickAsync();
        await Assertions.Expect(Panel).ToContainTextAsync(email);
    }

    public async Task ChangeRoleAsync(string roleName)
    {
        await Panel.GetByTestId("member-role").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = roleName }).ClickAsync();
        await Panel.GetByTestId("member-role-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"now has the role '{roleName}'");
    }
}
