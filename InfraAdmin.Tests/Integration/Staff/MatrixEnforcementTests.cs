using System.Net;
using System.Security.Claims;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Staff;

/// <summary>The matrix the administrators see is what the policy handler enforces: grant → allowed, revoke → denied, without signing out.</summary>
public sealed class MatrixEnforcementTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<bool> PolicyAllowsAsync(Guid userId, string permission)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var auth = scope.ServiceProvider.GetRequiredService<IAuthorizationService>();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], "Test"));
        return (await auth.AuthorizeAsync(user, Policies.For(permission))).Succeeded;
    }

    private async Task<PermissionMatrix> SaveAsync(Func<PermissionMatrix, MatrixChange[]> changes)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var roles = scope.ServiceProvider.GetRequiredService<RoleService>();
        var matrix = await roles.GetMatrixAsync(Ct);
        return await roles.SaveMatrixAsync(matrix.Stamp, changes(matrix), Ct);
    }

    [Fact]
    public async Task Granting_in_the_matrix_allows_the_policy_and_page_and_revoking_denies_both_without_signing_out()
    {
        var roleId = await StaffTestUsers.CreateRoleAsync(Db, "Enforced", Permissions.Ip.View);
        var (userId, email) = await StaffTestUsers.CreateUserAsync(App, "enforced", roleId);
        var browser = await App.SignedInClientAsync(email, StaffTestUsers.Password);
        Assert.False(await PolicyAllowsAsync(userId, Permissions.Audit.View));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/audit", Ct)).StatusCode);

        await SaveAsync(m => [new MatrixChange(roleId, "Enforced", Permissions.Audit.View, true)]);
        Assert.True(await PolicyAllowsAsync(userId, Permissions.Audit.View));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit", Ct)).StatusCode);

        await SaveAsync(m => [new MatrixChange(roleId, "Enforced", Permissions.Audit.View, false)]);
        Assert.False(await PolicyAllowsAsync(userId, Permissions.Audit.View));
        var denied = await browser.GetAsync("/audit", Ct);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/Account/AccessDenied", denied.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ip-reputation", Ct)).StatusCode);
    }

    [Fact]
    public async Task Every_cell_of_the_matrix_agrees_with_the_policy_handler_for_a_member_of_that_role()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var matrix = await scope.ServiceProvider.GetRequiredService<RoleService>().GetMatrixAsync(Ct);
        var members = await scope.ServiceProvider.GetRequiredService<StaffService>().AllAsync(Ct);
        foreach (var role in matrix.Roles)
        {
            var member = members.FirstOrDefault(m => m.RoleId == role.Id && m.Status == "active");
            if (member is null) continue;
            foreach (var permission in PermissionMatrix.Catalog)
                Assert.True(matrix.IsGranted(role.Id, permission.Name) == await PolicyAllowsAsync(member.UserId, permission.Name),
                    $"{role.Name} × {permission.Name}");
        }
    }
}
