namespace InfraAdmin.Features.Staff;

/// <summary>
/// The matrix as loaded plus the cells the user toggled: what each checkbox shows, and the pending changes as a
/// diff (granted / revoked) to preview and save together.
/// </summary>
public sealed class MatrixDraft(PermissionMatrix matrix)
{
    private readonly HashSet<(int RoleId, string Permission)> _toggled = [];

    public PermissionMatrix Matrix { get; private set; } = matrix;

    public bool IsChecked(int roleId, string permission) =>
        Matrix.IsGranted(roleId, permission) ^ _toggled.Contains((roleId, permission));

    public bool IsPending(int roleId, string permission) => _toggled.Contains((roleId, permission));

    /// <summary>Sets a cell; setting it back to what was loaded drops the pending change.</summary>
    public void Set(int roleId, string permission, bool granted)
    {
        if (granted == Matrix.IsGranted(roleId, permission)) _toggled.Remove((roleId, permission));
        else _toggled.Add((roleId, permission));
    }

    public IReadOnlyList<MatrixChange> Changes =>
        Matrix.Roles.SelectMany(r => PermissionMatrix.Catalog
                .Where(p => _toggled.Contains((r.Id, p.Name)))
                .Select(p => new MatrixChange(r.Id, r.Name, p.Name, !r.Granted.Contains(p.Name))))
            .ToList();

    public IReadOnlyList<MatrixChange> Granted => Changes.Where(c => c.Grant).ToList();
    public IReadOnlyList<MatrixChange> Revoked => Changes.Where(c => !c.Grant).ToList();

    public void Discard() => _toggled.Clear();

    /// <summary>Moves onto a newer matrix, keeping the pending changes that still change something there.</summary>
    public void Rebase(PermissionMatrix newer)
    {
        var wanted = Changes.Where(c => newer.Roles.Any(r => r.Id == c.RoleId)).ToList();
        Matrix = newer;
        _toggled.Clear();
        foreach (var c in wanted) Set(c.RoleId, c.Permission, c.Grant);
    }
}
