using InfraAdmin.Data;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Staff;

/// <summary>Roles and the permission matrix: bad input, stale edits and the staff.manage guards, on real PostgreSQL.</summary>
public sealed class RoleServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> AsAsync<T>(string email, Func<RoleService, Task<T>> action)
    {
        await using var scope = await App.ScopeAsAsync(email);
        return await action(scope.ServiceProvider.GetRequiredService<RoleService>());
    }

    private Task AsAsync(string email, Func<RoleService, Task> action) => AsAsync(email, async s => { await action(s); return true; });

    [Fact]
    public async Task A_new_role_gets_the_next_id_appears_with_counts_and_is_audited()
    {
        var name = "Auditors " + Guid.NewGuid().ToString("N")[..6];
        var id = await AsAsync(Demo.Admin, s => s.CreateAsync("  " + name + "  ", "Read the log", Ct));

        await using var db = Db.CreateContext();
        Assert.Equal(await db.StaffRoles.MaxAsync(r => r.Id, Ct), id);
        var roles = await AsAsync(Demo.Admin, s => s.ListAsync(Ct));
        var role = Assert.Single(roles, r => r.Id == id);
        Assert.Equal((name, 0, 0), (role.Name, role.MemberCount, role.PermissionCount));
        Assert.Contains(roles, r => r.Name == "Super Admin" && r.MemberCount >= 1 && r.PermissionCount == Permissions.All.Count);
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "staff.role.create" && a.EntityType == "staff_roles" && a.EntityId == id.ToString(), Ct));
    }

    [Fact]
    public async Task Roles_created_at_the_same_time_get_distinct_ids()
    {
        var prefix = "Parallel " + Guid.NewGuid().ToString("N")[..6];
        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => AsAsync(Demo.Admin, s => s.CreateAsync($"{prefix} {i}", null, Ct))));
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("super admin")]
    [InlineData("SUPER ADMIN")]
    [InlineData(" Super Admin ")]
    public async Task Duplicate_names_are_refused_regardless_of_case(string name)
    {
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.CreateAsync(name, null, Ct)));
        Assert.Contains("'Super Admin' already exists", ex.Message);
        var support = (await AsAsync(Demo.Admin, s => s.GetAsync(4, Ct)))!;
        ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.UpdateAsync(4, name, null, support.Version, Ct)));
        Assert.Contains("already exists", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task Empty_names_are_refused(string? name)
    {
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.CreateAsync(name, null, Ct)));
        Assert.Equal("A role needs a name.", ex.Message);
    }

    [Fact]
    public async Task Names_over_50_characters_are_refused_and_50_is_fine()
    {
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.CreateAsync(new string('x', 51), null, Ct)));
        Assert.Contains("at most 50 characters", ex.Message);
        var fifty = Guid.NewGuid().ToString("N") + new string('y', 18);
        Assert.True(await AsAsync(Demo.Admin, s => s.CreateAsync(fifty, null, Ct)) > 4);
    }

    [Fact]
    public async Task A_stale_rename_is_refused_and_keeps_the_other_edit()
    {
        var id = await AsAsync(Demo.Admin, s => s.CreateAsync("Stale " + Guid.NewGuid().ToString("N")[..6], null, Ct));
        var seen = (await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!;
        await AsAsync(Demo.Admin, s => s.UpdateAsync(id, seen.Name + " A", "first", seen.Version, Ct));

        var ex = await Assert.ThrowsAsync<StaleEditException>(() => AsAsync(Demo.Admin, s => s.UpdateAsync(id, seen.Name + " B", "second", seen.Version, Ct)));
        Assert.True(ex.IsStale);
        Assert.Contains("Someone else changed this role", ex.Message);
        var now = (await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!;
        Assert.Equal((seen.Name + " A", "first"), (now.Name, now.Description));
    }

    [Fact]
    public async Task A_role_with_members_cannot_be_deleted_an_empty_one_can()
    {
        var roleId = await StaffTestUsers.CreateRoleAsync(Db, "Deletable", Permissions.Ip.View);
        var member = await StaffTestUsers.CreateUserAsync(App, "member", roleId);
        var role = (await AsAsync(Demo.Admin, s => s.GetAsync(roleId, Ct)))!;
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.DeleteAsync(roleId, role.Version, Ct)));
        Assert.Contains("still has 1 member", ex.Message);

        await using (var db = Db.CreateContext())
        {
            await db.StaffMembers.Where(s => s.UserId == member.Id).ExecuteDeleteAsync(Ct);
        }
        await AsAsync(Demo.Admin, s => s.DeleteAsync(roleId, role.Version, Ct));
        await using var check = Db.CreateContext();
        Assert.False(await check.StaffRoles.AnyAsync(r => r.Id == roleId, Ct));
        Assert.False(await check.StaffRolePermissions.AnyAsync(r => r.RoleId == roleId, Ct));
        Assert.True(await check.AuditLog.AnyAsync(a => a.Action == "staff.role.delete" && a.EntityType == "staff_role_permissions" && a.EntityId == $"{roleId},1", Ct));
    }

    [Fact]
    public async Task The_matrix_saves_grants_and_revokes_together_and_audits_each()
    {
        var roleId = await StaffTestUsers.CreateRoleAsync(Db, "Matrix", Permissions.Ip.View);
        var matrix = await AsAsync(Demo.Admin, s => s.GetMatrixAsync(Ct));
        var name = matrix.Roles.Single(r => r.Id == roleId).Name;
        var saved = await AsAsync(Demo.Admin, s => s.SaveMatrixAsync(matrix.Stamp,
        [
            new MatrixChange(roleId, name, Permissions.Audit.View, true),
            new MatrixChange(roleId, name, Permissions.Vps.View, true),
            new MatrixChange(roleId, name, Permissions.Ip.View, false),
        ], Ct));

        Assert.Equal(new HashSet<string> { Permissions.Audit.View, Permissions.Vps.View }, saved.Roles.Single(r => r.Id == roleId).Granted);
        Assert.NotEqual(matrix.Stamp, saved.Stamp);
        await using var db = Db.CreateContext();
        var rows = await db.AuditLog.Where(a => a.EntityType == "staff_role_permissions" && a.EntityId!.StartsWith(roleId + ","))
            .Where(a => a.Action == "staff.permission.grant" || a.Action == "staff.permission.revoke")
            .Select(a => a.Action + " " + a.EntityId).ToListAsync(Ct);
        Assert.Equal(new[] { $"staff.permission.grant {roleId},16", $"staff.permission.grant {roleId},3", $"staff.permission.revoke {roleId},1" }.Order(), rows.Order());
    }

    [Fact]
    public async Task A_stale_matrix_is_refused_whole_and_nothing_changes()
    {
        var roleId = await StaffTestUsers.CreateRoleAsync(Db, "Stale matrix");
        var mine = await AsAsync(Demo.Admin, s => s.GetMatrixAsync(Ct));
        var name = mine.Roles.Single(r => r.Id == roleId).Name;
        await AsAsync(Demo.Admin, s => s.SaveMatrixAsync(mine.Stamp, [new MatrixChange(roleId, name, Permissions.Ip.View, true)], Ct));

        var ex = await Assert.ThrowsAsync<StaleEditException>(() => AsAsync(Demo.Admin, s => s.SaveMatrixAsync(mine.Stamp,
            [new MatrixChange(roleId, name, Permissions.Costs.View, true)], Ct)));
        Assert.True(ex.IsStale);
        Assert.Contains("Someone else changed roles or permissions", ex.Message);
        var now = await AsAsync(Demo.Admin, s => s.GetMatrixAsync(Ct));
        Assert.Equal(new HashSet<string> { Permissions.Ip.View }, now.Roles.Single(r => r.Id == roleId).Granted);
    }

    [Fact]
    public async Task Unknown_permissions_are_refused()
    {
        var matrix = await AsAsync(Demo.Admin, s => s.GetMatrixAsync(Ct));
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.SaveMatrixAsync(matrix.Stamp,
            [new MatrixChange(4, "Support", "root.everything", true)], Ct)));
        Assert.Contains("not a permission", ex.Message);
    }

    [Fact]
    public async Task The_last_holder_of_staff_manage_cannot_lose_it_in_the_matrix()
    {
        // In the demo, the admin (Super Admin) is the only member holding staff.manage.
        var matrix = await AsAsync(Demo.Admin, s => s.GetMatrixAsync(Ct));
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.SaveMatrixAsync(matrix.Stamp,
            [new MatrixChange(1, "Super Admin", Permissions.Staff.Manage, false)], Ct)));
        Assert.Contains("leave nobody with the staff.manage permission", ex.Message);
        Assert.True((await AsAsync(Demo.Admin, s => s.GetMatrixAsync(Ct))).IsGranted(1, Permissions.Staff.Manage));
    }

    [Fact]
    public async Task Nobody_takes_staff_manage_from_their_own_role_but_may_from_another()
    {
        var roleId = await StaffTestUsers.CreateRoleAsync(Db, "Staff admins", Permissions.Staff.View, Permissions.Staff.Manage);
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "staffadmin", roleId);
        var matrix = await AsAsync(email, s => s.GetMatrixAsync(Ct));
        var name = matrix.Roles.Single(r => r.Id == roleId).Name;

        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(email, s => s.SaveMatrixAsync(matrix.Stamp,
            [new MatrixChange(roleId, name, Permissions.Staff.Manage, false)], Ct)));
        Assert.Contains("You cannot remove your own staff.manage", ex.Message);
        ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.SaveMatrixAsync(matrix.Stamp,
            [new MatrixChange(1, "Super Admin", Permissions.Staff.Manage, false)], Ct)));
        Assert.Contains("You cannot remove your own staff.manage", ex.Message);

        var saved = await AsAsync(Demo.Admin, s => s.SaveMatrixAsync(matrix.Stamp, [new MatrixChange(roleId, name, Permissions.Staff.Manage, false)], Ct));
        Assert.False(saved.IsGranted(roleId, Permissions.Staff.Manage));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(email, s => s.CreateAsync("Not allowed any more", null, Ct)));
    }

    [Fact]
    public async Task Reading_needs_staff_view_and_changing_needs_staff_manage()
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Support, s => s.ListAsync(Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Ops, s => s.GetMatrixAsync(Ct)));
        var viewer = await StaffTestUsers.CreateRoleAsync(Db, "Viewers", Permissions.Staff.View);
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "viewer", viewer);
        var matrix = await AsAsync(email, s => s.GetMatrixAsync(Ct));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(email, s => s.CreateAsync("Nope", null, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(email, s => s.SaveMatrixAsync(matrix.Stamp,
            [new MatrixChange(viewer, "Viewers", Permissions.Staff.Manage, true)], Ct)));
    }

    [Fact]
    public async Task Who_can_lists_the_roles_and_members_holding_a_permission()
    {
        var answer = await AsAsync(Demo.Admin, s => s.WhoCanAsync(Permissions.Audit.View, Ct));
        Assert.Contains(answer.Roles, r => r.Name == "Super Admin");
        Assert.Contains(answer.Roles, r => r.Name == "Infrastructure Operator");
        Assert.DoesNotContain(answer.Roles, r => r.Name is "Support" or "Executive");
        Assert.Contains(answer.Members, m => m.Email == Demo.Ops);
        Assert.DoesNotContain(answer.Members, m => m.Email == Demo.Support);
    }
}
