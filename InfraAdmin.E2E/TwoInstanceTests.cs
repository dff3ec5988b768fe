using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>Two app instances on one database behind YARP (session affinity on): sign-ins and revocations hold across them.</summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private AppServer _a = default!, _b = default!;
    private TwoInstanceProxy _proxy = default!;
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _a = await AppServer.StartAsync(_database);
        _b = await AppServer.StartAsync(_database);
        _proxy = await TwoInstanceProxy.StartAsync(_a.BaseUrl, _b.BaseUrl);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _proxy.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_user_carries_on_when_the_instance_serving_them_stops_and_a_revocation_holds_everywhere()
    {
        var (email, roleId) = await CreateAuditorAsync();
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _proxy.BaseUrl });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SignInAsync(email, "Two-Instances-42!");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));

        // Whichever instance served the sign-in, each one in turn goes away and the user stays signed in.
        await _a.DisposeAsync();
        await AssertStillSignedInAsync(page);
        _a = await AppServer.StartAsync(_database, port: _a.Port);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken); // the proxy's health check sees it again
        await _b.DisposeAsync();
        await AssertStillSignedInAsync(page);
        _b = await AppServer.StartAsync(_database, port: _b.Port);

        // Revoke audit.view the way the staff service does (change + NOTIFY), then every instance refuses it.
        await page.GotoAsync("/audit");
        await page.Locator(".mud-layout[data-circuit='on']").WaitForAsync();
        await using (var db = _database.CreateContext())
        {
            await db.StaffRolePermissions.Where(p => p.RoleId == roleId).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
            await AccessChangeListener.NotifyAsync(db, TestContext.Current.CancellationToken);
        }
        // The open page turns into access denied (circuit revalidation), and fresh requests on any instance are refused.
        await page.WaitForURLAsync("**/Account/AccessDenied", new() { Timeout = 60_000 });
        for (var i = 0; i < 4; i++)
        {
            var fresh = await context.NewPageAsync();
            await fresh.GotoAsync("/audit");
            Assert.Contains("/Account/AccessDenied", fresh.Url);
            await fresh.CloseAsync();
        }
    }

    private static async Task AssertStillSignedInAsync(IPage page)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await page.GotoAsync("/audit");
                break;
            }
            catch (PlaywrightException) when (attempt < 30)
            {
                await Task.Delay(1000); // the proxy has not yet marked the stopped instance unhealthy
            }
        }
        Assert.DoesNotContain("/Account/Login", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
    }

    private async Task<(string Email, int RoleId)> CreateAuditorAsync()
    {
        await using var db = _database.CreateContext();
        var roleId = 100 + Random.Shared.Next(1000);
        db.StaffRoles.Add(new StaffRole { Id = roleId, Name = "Two-instance auditor " + roleId });
        var auditView = await db.Permissions.SingleAsync(p => p.Name == Permissions.Audit.View);
        db.StaffRolePermissions.Add(new StaffRolePermission { RoleId = roleId, PermissionId = auditView.Id });
        await db.SaveChangesAsync();
        var email = await TestUsers.CreateStaffAsync(_database, "two-instances", "Two-Instances-42!", roleId);
        return (email, roleId);
    }
}
