using System.Net;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Tests.Integration;

public sealed class PlatformBasicsTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_answers_200_with_no_details()
    {
        var response = await App.CreateBrowserClient().GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/assets/logo.svg", "image/svg+xml")]
    [InlineData("/assets/favicon.svg", "image/svg+xml")]
    [InlineData("/assets/app.css", "text/css")]
    public async Task The_brand_assets_are_served(string path, string type)
    {
        // The app bar and the account pages show /assets/logo.svg: it used to answer 500 when run from the sources.
        var response = await App.CreateBrowserClient().GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_answers_503_when_the_database_does_not()
    {
        var dead = new DatabaseHealthCheck(new FixedFactory("Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=1"));
        var result = await dead.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext(), Ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.Null(result.Description);
    }

    [Fact]
    public async Task A_malformed_connection_string_gets_one_clear_message()
    {
        var ex = await Assert.ThrowsAsync<DatabaseSetupException>(() =>
            DatabaseStartup.EnsureReadyAsync(new FixedFactory("Host=127.0.0.1;Bogus Key=1"), "Host=127.0.0.1;Bogus Key=1", Ct));
        Assert.Contains("malformed", ex.Message);
        var missing = await Assert.ThrowsAsync<DatabaseSetupException>(() => DatabaseStartup.EnsureReadyAsync(new FixedFactory(""), "", Ct));
        Assert.Contains("ConnectionStrings__InfraAdmin", missing.Message);
    }

    [Fact]
    public async Task An_unreachable_database_gets_one_clear_message()
    {
        const string cs = "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=2";
        var ex = await Assert.ThrowsAsync<DatabaseSetupException>(() => DatabaseStartup.EnsureReadyAsync(new FixedFactory(cs), cs, Ct));
        Assert.Contains("Cannot reach PostgreSQL at 127.0.0.1:1", ex.Message);
    }

    [Fact]
    public async Task A_missing_migration_names_the_command_that_fixes_it()
    {
        var name = "ia_empty_" + Guid.NewGuid().ToString("N")[..8];
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Pooling = false };
        await using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync(Ct);
            await new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn).ExecuteNonQueryAsync(Ct);
        }
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
            var ex = await Assert.ThrowsAsync<DatabaseSetupException>(() => DatabaseStartup.EnsureReadyAsync(new FixedFactory(cs), cs, Ct));
            Assert.Contains("migration", ex.Message);
            Assert.Contains("-- migrate", ex.Message);
        }
        finally
        {
            await using var conn = new NpgsqlConnection(server.ConnectionString);
            await conn.OpenAsync(Ct);
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn).ExecuteNonQueryAsync(Ct);
        }
    }

    [Fact]
    public async Task Data_protection_keys_are_kept_in_postgresql()
    {
        _ = await App.SignedInClientAsync(Demo.Support);
        await using var db = Db.CreateContext();
        Assert.True(await db.DataProtectionKeys.AnyAsync(Ct));
    }

    [Fact]
    public async Task The_app_recovers_when_its_connections_are_killed()
    {
        var client = await App.SignedInClientAsync(Demo.Exec);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/vps", Ct)).StatusCode);
        // What a PostgreSQL restart does to the pool: every open connection of this database is terminated. Client
        // connections only: an autovacuum worker on this database is a superuser process, which the test may not end.
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync(Ct);
            await new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Db.Name}' AND pid <> pg_backend_pid() AND backend_type = 'client backend'", conn).ExecuteNonQueryAsync(Ct);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/vps", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
    }

    private sealed class FixedFactory(string connectionString) : IDbContextFactory<InfraAdminDbContext>
    {
        public InfraAdminDbContext CreateDbContext() => DbSetup.CreateContext(connectionString);
    }
}
