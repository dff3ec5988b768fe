using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.E2E.Support;

/// <summary>Users a test creates for itself, so the demo accounts are never changed.</summary>
public static class TestUsers
{
    /// <summary>Adds a confirmed staff member with the given role (default 4, Support) and password; returns the email.</summary>
    public static async Task<string> CreateStaffAsync(TestDatabase database, string prefix, string password, int roleId = 4)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@test.local";
        await using var db = database.CreateContext();
        var user = new AppUser
        {
            Id = Guid.NewGuid(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true, LockoutEnabled = true, SecurityStamp = Guid.NewGuid().ToString("N"), DisplayName = "E2E " + prefix,
        };
        user.PasswordHash = new PasswordHasher<AppUser>().HashPassword(user, password);
        db.Users.Add(user);
        db.StaffMembers.Add(new StaffMember { UserId = user.Id, RoleId = roleId });
        await db.SaveChangesAsync();
        return email;
    }
}
