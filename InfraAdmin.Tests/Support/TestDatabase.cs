using System.Security.Cryptography;
using System.Text;
using InfraAdmin.Data;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Tests.Support;

/// <summary>
/// A private PostgreSQL database for one test class: a copy of a template that is migrated and demo-seeded
/// once per schema version. Dropped when the class is done. Server from INFRAADMIN_TEST_PG, else the local one.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("INFRAADMIN_TEST_PG")
        ?? "Host=127.0.0.1;Port=5432;Username=infraadmin;Password=infraadmin;Database=postgres";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _templateName;

    public string Name { get; } = "ia_test_" + Guid.NewGuid().ToString("N")[..12];
    public string ConnectionString => With(Name);

    public InfraAdminDbContext CreateContext() => DbSetup.CreateContext(ConnectionString);

    public async ValueTask InitializeAsync()
    {
        var template = await EnsureTemplateAsync();
        await using var conn = new NpgsqlConnection(With("postgres", pooling: false));
        await conn.OpenAsync();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{Name}\" TEMPLATE \"{template}\"", conn);
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == "55006" && attempt < 20)
            {
                await Task.Delay(200); // another process is copying or building the template
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // A background connection (Hangfire, the access listener) may still be closing: retry, then leave it.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await using var conn = new NpgsqlConnection(With("postgres", pooling: false));
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (NpgsqlException) when (attempt < 4)
            {
                await Task.Delay(500); // a closing connection still holds the database: give it a moment, then retry
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"Could not drop test database {Name}: {ex.Message}");
            }
        }
    }

    private static string With(string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, Pooling = pooling }.ConnectionString;

    /// <summary>The template's name carries a hash of the migrations and the seeder, so a change of either builds a new one.</summary>
    private static async Task<string> EnsureTemplateAsync()
    {
        if (_templateName is not null) return _templateName;
        await TemplateLock.WaitAsync();
        try
        {
            if (_templateName is not null) return _templateName;
            var name = "ia_template_" + SchemaHash();
            await using var conn = new NpgsqlConnection(With("postgres", pooling: false));
            await conn.OpenAsync();
            // Serialise template creation across test processes.
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_lock(727274)", conn)) await lockCmd.ExecuteNonQueryAsync();
            try
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
                exists.Parameters.AddWithValue("n", name);
                if (await exists.ExecuteScalarAsync() is null)
                {
                    var building = name + "_building";
                    await Exec(conn, $"DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)");
                    await Exec(conn, $"CREATE DATABASE \"{building}\"");
                    var cs = With(building, pooling: false);
                    await using (var db = DbSetup.CreateContext(cs))
                    {
                        await db.Database.MigrateAsync();
                        await DatabaseStartup.SyncPermissionsAsync(db);
                        await DemoSeeder.SeedAsync(db);
                    }
                    NpgsqlConnection.ClearAllPools();
                    await Exec(conn, $"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"");
                }
            }
            finally
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(727274)", conn);
                await unlock.ExecuteNonQueryAsync();
            }
            return _templateName = name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string SchemaHash()
    {
        var asm = typeof(InfraAdminDbContext).Assembly;
        var migrations = asm.GetTypes().Where(t => t.Namespace == "InfraAdmin.Data.Migrations").Select(t => t.FullName).Order();
        var seed = File.GetLastWriteTimeUtc(asm.Location).Ticks.ToString() + DateTime.UtcNow.ToString("yyyyMMdd");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", migrations) + seed));
        return Convert.ToHexString(hash)[..12].ToLowerInvariant();
    }
}
