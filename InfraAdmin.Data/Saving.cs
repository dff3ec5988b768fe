using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace InfraAdmin.Data;

/// <summary>The one save path for versioned rows (beside <see cref="Transactions.InTransactionAsync{T}"/>).</summary>
public static class Saving
{
    private const string VersionProperty = "Version";

    /// <summary>Saves; a concurrent change of the same rows (<see cref="DbUpdateConcurrencyException"/>) becomes a <see cref="StaleEditException"/>.</summary>
    public static async Task SaveOrStaleAsync(this InfraAdminDbContext db, CancellationToken ct, string? staleMessage = null)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleEditException(staleMessage);
        }
    }

    /// <summary>
    /// Loads the row the caller edits and holds it to the version they saw: a different version now is a
    /// <see cref="StaleEditException"/>, and <see cref="SaveOrStaleAsync"/> refuses if it changes before the save.
    /// A missing row is a <see cref="NotFoundException"/> with <paramref name="goneMessage"/>.
    /// </summary>
    public static async Task<T> FindVersionedAsync<T>(this InfraAdminDbContext db, Expression<Func<T, bool>> match, uint seenVersion,
        string goneMessage, CancellationToken ct, string? staleMessage = null) where T : class
    {
        var row = await db.Set<T>().FirstOrDefaultAsync(match, ct) ?? throw new NotFoundException(goneMessage);
        ExpectVersion(db.Entry(row), seenVersion, staleMessage);
        return row;
    }

    /// <summary>
    /// For a row that may not exist yet (settings, preferences): loads it, or adds <paramref name="create"/>() when there is none
    /// and the caller saw none. A row that appeared or vanished since the caller loaded, or whose version moved on, is a
    /// <see cref="StaleEditException"/>.
    /// </summary>
    public static async Task<T> FindOrCreateAsync<T>(this InfraAdminDbContext db, Expression<Func<T, bool>> match, Func<T> create,
        bool seenExists, uint seenVersion, CancellationToken ct, string? staleMessage = null) where T : class
    {
        var row = await db.Set<T>().FirstOrDefaultAsync(match, ct);
        if (row is null)
        {
            if (seenExists) throw new StaleEditException(staleMessage);
            db.Set<T>().Add(row = create());
            return row;
        }
        if (!seenExists) throw new StaleEditException(staleMessage);
        ExpectVersion(db.Entry(row), seenVersion, staleMessage);
        return row;
    }

    private static void ExpectVersion<T>(EntityEntry<T> entry, uint seenVersion, string? staleMessage) where T : class
    {
        var version = entry.Property<uint>(VersionProperty); // the xmin row version every editable entity maps
        if (version.CurrentValue != seenVersion) throw new StaleEditException(staleMessage);
        version.OriginalValue = seenVersion;
    }
}
