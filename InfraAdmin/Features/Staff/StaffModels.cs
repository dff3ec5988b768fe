using InfraAdmin.Authorization;

namespace InfraAdmin.Features.Staff;

public sealed record RoleSummary(int Id, string Name, string? Description, int MemberCount, int PermissionCount, uint Version);

public sealed record RoleMember(Guid UserId, string Email, string? DisplayName);

public sealed record RoleDetail(
    int Id, string Name, string? Description, uint Version, IReadOnlyList<string> Permissions, IReadOnlyList<RoleMember> Members);

public sealed record MatrixRole(int Id, string Name, IReadOnlySet<string> Granted);

/// <summary>
/// Roles × permissions as the user loaded them. <see cref="Stamp"/> fingerprints the roles and every grant,
/// so a save made against an older matrix is refused instead of overwriting someone else's changes.
/// </summary>
public sealed record PermissionMatrix(IReadOnlyList<MatrixRole> Roles, string Stamp)
{
    public static IReadOnlyList<PermissionDefinition> Catalog => Permissions.All;

    public bool IsGranted(int roleId, string permission) =>
        Roles.FirstOrDefault(r => r.Id == roleId)?.Granted.Contains(permission) == true;
}

/// <summary>One cell of the matrix to change: grant (true) or revoke (false) a permission for a role.</summary>
public sealed record MatrixChange(int RoleId, string RoleName, string Permission, bool Grant);

public sealed record StaffRow(
    Guid UserId, string Email, string? DisplayName, int? RoleId, string? RoleName, string? Notes,
    DateTime? Added, DateTime? LastSignIn, bool Locked, string Status, uint Version);

public static class StaffSort
{
    public const string Email = "email";
    public const string Role = "role";
    public const string Added = "added";
    public const string LastSignIn = "last_sign_in";
}

public sealed record StaffQuery(
    string? Search = null, int? RoleId = null, string SortBy = StaffSort.Email, bool Descending = false, int Page = 0, int PageSize = 25)
{
    /// <summary>The list's search and role from a link's query string (the page and its CSV export); bad values go to <paramref name="f"/>.</summary>
    public static StaffQuery FromQuery(InfraAdmin.Infrastructure.QueryFilters f, string? q, string? role) =>
        new(f.Text("q", q), f.Int("role", role, 1, int.MaxValue));
}

public sealed record StaffResults(int Total, IReadOnlyList<StaffRow> Rows);

public sealed record WhoCanAnswer(string Permission, IReadOnlyList<RoleSummary> Roles, IReadOnlyList<StaffRow> Members);

public sealed record WhyAnswer(bool Has, string Explanation);
