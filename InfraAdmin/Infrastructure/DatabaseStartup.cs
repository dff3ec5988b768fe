using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace InfraAdmin.Infrastructure;

/// <summary>A problem with the database that the operator can fix; its message says how.</summary>
public sealed class DatabaseSetupException(string message) : Exception(message);

public static class DatabaseStartup
{
    public const string MigrateHint = "dotnet run --project InfraAdmin -- migrate";

    /// <summary>Fails with one clear message when the connection string is malformed, the server unreachable or a migration missing.</summary>
    public static async Task EnsureReadyAsync(IDbContextFactory<InfraAdminDbContext> factory, string? connectionString, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(factory, connectionString, ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
            throw new DatabaseSetupException(
                $"The database is missing {pending.Count} migration(s) ({string.Join(", ", pending)}). Apply them with: {MigrateHint}");
    }

    public static async Task MigrateAsync(IDbContextFactory<InfraAdminDbContext> factory, string? connectionString, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(factory, connectionString, ct);
        // On an empty database EF first reads __EFMigrationsHistory before it exists, and logs that failed SELECT as an
        // error (npgsql/efcore.pg#3407) although the migration then succeeds. Creating the table first (IF NOT EXISTS,
        // as EF itself would) keeps a fresh migrate free of that "fail:" line; real failures still log and throw.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
        await SyncPermissionsAsync(db, ct);
    }

    /// <summary>Writes the code's permission catalog into <c>permissions</c> (insert new ids, update texts).</summary>
    public static async Task SyncPermissionsAsync(InfraAdminDbContext db, CancellationToken ct = default)
    {
        db.AuditEnabled = false;
        var existing = await db.Permissions.ToDictionaryAsync(p => p.Id, ct);
        foreach (var def in Permissions.All)
        {
            if (!existing.TryGetValue(def.Id, out var row))
            {
                db.Permissions.Add(new Permission { Id = def.Id, Name = def.Name, Description = def.Description, Category = def.Category });
            }
            else
            {
                row.Name = def.Name;
                row.Description = def.Description;
                row.Category = def.Category;
            }
        }
        await db.SaveChangesAsync(ct);
        db.AuditEnabled = true;
    }

    private static async Task<InfraAdminDbContext> OpenAsync(IDbContextFactory<InfraAdminDbContext> factory, string? connectionString, CancellationToken ct)
    {
        if (DbSetup.DescribeConnectionStringProblem(connectionString) is { } problem) throw new DatabaseSetupException(problem);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var db = await factory.CreateDbContextAsync(ct);
        try
        {
            await using var probe = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false }.ConnectionString);
            await probe.OpenAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == "3D000")
        {
            await db.DisposeAsync();
            throw new DatabaseSetupException($"The database '{builder.Database}' does not exist on {builder.Host}:{builder.Port}. Create it (createdb {builder.Database}) or run scripts/run.sh, which sets up a local one.");
        }
        catch (PostgresException ex) when (ex.SqlState is "28P01" or "28000")
        {
            await db.DisposeAsync();
            throw new DatabaseSetupException($"PostgreSQL at {builder.Host}:{builder.Port} refused the user '{builder.Username}' ({ex.MessageText}). Check Username and Password in ConnectionStrings__InfraAdmin.");
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await db.DisposeAsync();
            throw new DatabaseSetupException($"Cannot reach PostgreSQL at {builder.Host}:{builder.Port} ({ex.Message}). Start the server (scripts/ensure-postgres.sh starts a local one) or point ConnectionStrings__InfraAdmin at a running server.");
        }
        return db;
    }
}
