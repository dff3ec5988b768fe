using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Tests.Integration;

/// <summary>The shared save path (InfraAdmin.Data/Saving.cs) against PostgreSQL's row versions.</summary>
public sealed class SavingTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_concurrent_edit_is_reported_as_stale_and_keeps_the_first_save()
    {
        Guid id;
        uint seen;
        await using (var db = Db.CreateContext())
        {
            var first = await db.Tenants.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Version }).FirstAsync(Ct);
            (id, seen) = (first.Id, first.Version);
        }

        await using var mine = Db.CreateContext();
        await using var theirs = Db.CreateContext();
        var myRow = await mine.FindVersionedAsync<Tenant>(t => t.Id == id, seen, "gone", Ct);
        var theirRow = await theirs.FindVersionedAsync<Tenant>(t => t.Id == id, seen, "gone", Ct);
        theirRow.Name = "Saved first";
        await theirs.SaveOrStaleAsync(Ct);
        myRow.Name = "Saved second";
        var stale = await Assert.ThrowsAsync<StaleEditException>(() => mine.SaveOrStaleAsync(Ct, "Someone saved this meanwhile."));
        Assert.Equal("Someone saved this meanwhile.", stale.Message);

        await using var check = Db.CreateContext();
        Assert.Equal("Saved first", await check.Tenants.Where(t => t.Id == id).Select(t => t.Name).SingleAsync(Ct));
        // Loading again with the version seen before is refused at once; a missing row is not found.
        var early = await Assert.ThrowsAsync<StaleEditException>(() => check.FindVersionedAsync<Tenant>(t => t.Id == id, seen, "gone", Ct));
        Assert.Equal(StaleEditException.DefaultMessage, early.Message);
        var missing = await Assert.ThrowsAsync<NotFoundException>(() =>
            check.FindVersionedAsync<Tenant>(t => t.Id == Guid.NewGuid(), 0, "This tenant does not exist.", Ct));
        Assert.Equal("This tenant does not exist.", missing.Message);
    }

    [Fact]
    public async Task Create_if_missing_creates_once_then_updates_the_same_row()
    {
        Guid userId;
        await using (var db = Db.CreateContext())
            userId = await db.Users.Where(u => !db.UserPreferences.Any(p => p.UserId == u.Id)).OrderBy(u => u.Email).Select(u => u.Id).FirstAsync(Ct);
        UserPreferences Create() => new() { UserId = userId, Theme = "dark" };

        await using (var db = Db.CreateContext())
        {
            await db.FindOrCreateAsync(p => p.UserId == userId, Create, seenExists: false, seenVersion: 0, Ct);
            await db.SaveOrStaleAsync(Ct);
        }
        // Another tab that also saw no row: stale, not a second row.
        await using (var db = Db.CreateContext())
            await Assert.ThrowsAsync<StaleEditException>(() => db.FindOrCreateAsync(p => p.UserId == userId, Create, false, 0, Ct));

        uint version;
        await using (var db = Db.CreateContext())
        {
            version = await db.UserPreferences.Where(p => p.UserId == userId).Select(p => p.Version).SingleAsync(Ct);
            var row = await db.FindOrCreateAsync(p => p.UserId == userId, Create, seenExists: true, version, Ct);
            row.Theme = "light";
            await db.SaveOrStaleAsync(Ct);
        }
        await using (var db = Db.CreateContext())
        {
            Assert.Equal(["light"], await db.UserPreferences.Where(p => p.UserId == userId).Select(p => p.Theme).ToListAsync(Ct));
            // The version seen before that update is stale now.
            await Assert.ThrowsAsync<StaleEditException>(() => db.FindOrCreateAsync(p => p.UserId == userId, Create, true, version, Ct));
            await db.UserPreferences.Where(p => p.UserId == userId).ExecuteDeleteAsync(Ct);
        }
        // A caller who saw a row that someone deleted since is stale too (nothing is created behind their back).
        await using (var db = Db.CreateContext())
        {
            await Assert.ThrowsAsync<StaleEditException>(() => db.FindOrCreateAsync(p => p.UserId == userId, Create, true, version, Ct));
            Assert.False(await db.UserPreferences.AnyAsync(p => p.UserId == userId, Ct));
        }
    }
}
