using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Entities;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>An administrator builds a role in the matrix, gives it to someone, and takes it away again: the member's open page follows.</summary>
public sealed class StaffTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Admin = "admin@infraadmin.local";
    private const string MemberPassword = "E2E-Staff-Horse-1!";

    [Fact]
    public async Task A_granted_role_shows_audit_in_the_members_nav_and_revoking_it_turns_their_open_page_into_access_denied()
    {
        var member = await CreateStaffUserAsync("e2e-staff");
        var roleName = "Auditors " + Guid.NewGuid().ToString("N")[..6];

        await SignInAsync(Admin);
        var roles = new RolesPage(Page);
        await roles.GotoAsync();
        await WaitForCircuitAsync(Page);
        await roles.CreateRoleAsync(roleName);
        var roleId = await RoleIdAsync(roleName);
        await roles.Cell(roleId, "audit.view").CheckAsync();
        await Assertions.Expect(roles.Diff).ToContainTextAsync($"audit.view to {roleName}");
        await roles.SaveMatrixAsync();

        var staff = new StaffListPage(Page);
        await staff.GotoAsync();
        await WaitForCircuitAsync(Page);
        await staff.OpenAsync(member);
        await staff.ChangeRoleAsync(roleName);

        await using var memberContext = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var memberPage = await memberContext.NewPageAsync();
        await SignInAsync(member, MemberPassword, memberPage);
        await WaitForCircuitAsync(memberPage);
        Assert.Contains("audit", await new Shell(memberPage).NavLinksAsync());
        await memberPage.GotoAsync("/audit");
        await WaitForCircuitAsync(memberPage);
        await Assertions.Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();

        await roles.GotoAsync();
        await WaitForCircuitAsync(Page);
        await roles.Cell(roleId, "audit.view").UncheckAsync();
        await Assertions.Expect(roles.Diff).ToContainTextAsync($"audit.view from {roleName}");
        await roles.SaveMatrixAsync();

        // No reload, no sign-out: the member's open page re-checks its access on its own.
        await memberPage.WaitForURLAsync("**/Account/AccessDenied", new() { Timeout = 30_000 });
        await Assertions.Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("/staff")]
    [InlineData("/staff/roles")]
    [InlineData("/staff/roles/1")]
    public async Task Staff_pages_pass_axe(string route)
    {
        await SignInAsync(Admin);
        await Page.GotoAsync(route);
        await WaitForCircuitAsync(Page);
        await Page.GetByRole(AriaRole.Heading, new() { Level = 1 }).WaitForAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        AssertNoSeriousViolations(await Page.RunAxe(), route);
    }

    private async Task<int> RoleIdAsync(string name)
    {
        await using var db = Fixture.Database.CreateContext();
        return await db.StaffRoles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync();
    }

    private Task<string> CreateStaffUserAsync(string prefix) => TestUsers.CreateStaffAsync(Fixture.Database, prefix, MemberPassword);
}
