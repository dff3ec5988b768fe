using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Staff;

/// <summary>Users and roles the staff tests create for themselves (the demo accounts stay as they are).</summary>
internal static class StaffTestUsers
{
    public const string Password = "Staff-Test-Password-1!";

    /// <summary>A user with a password, staff with <paramref name="roleId"/> when given.</summary>
    public static async Task<(Guid Id, string Email)> CreateUserAsync(InfraAdminFactory app, string prefix, int? roleId = null, Guid? tenantId = null)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@test.local";
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, LockoutEnabled = true, TenantId = tenantId, TenantRole = tenantId is null ? null : TenantRole.Member };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        if (roleId is { } role)
        {
            var db = scope.ServiceProvider.GetRequiredService<Data.InfraAdminDbContext>();
            db.StaffMembers.Add(new StaffMember { UserId = user.Id, RoleId = role });
            await db.SaveChangesAsync();
        }
        scope.ServiceProvider.GetRequiredService<PermissionStore>().Invalidate();
        return (user.Id, email);
    }

    /// <summary>A role with the given permissions, written straight to the database.</summary>
    public static async Task<int> CreateRoleAsync(TestDatabase database, string prefix, params string[] permissions)
    {
        await using var db = database.CreateContext();
        var id = (await db.StaffRoles.MaxAsync(r => r.Id)) + 1;
        db.StaffRoles.Add(new StaffRole { Id = id, Name = $"{prefix} {id}" });
        db.StaffRolePermissions.AddRange(permissions.Select(p => new StaffRolePermission
        {
            RoleId = id, PermissionId = Permissions.All.Single(d => d.Name == p).Id,
        }));
        await db.SaveChangesAsync();
        return id;
    }

    public static async Task<uint> StaffVersionAsync(TestDatabase database, Guid userId)
    {
        await using var db = database.CreateContext();
        return await db.StaffMembers.Where(s => s.UserId == userId).Select(s => s.Version).SingleAsync();
    }

    public static async Task<Guid> IdOfAsync(TestDatabase database, string email)
    {
        await using var db = database.CreateContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
