using InfraAdmin.Tests.Support;
using Npgsql;

namespace InfraAdmin.Tests.Integration;

/// <summary>Every column, type, default, CHECK set, key, foreign key and index of the seed, read back from PostgreSQL's catalog.</summary>
public sealed class SchemaConformanceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    public static TheoryData<string, string> SeedColumns()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in SeedSchema.Columns) data.Add(c.Table, c.Name);
        return data;
    }

    [Fact]
    public void The_seed_parses_into_every_table_and_index()
    {
        Assert.Equal(12, SeedSchema.Columns.Select(c => c.Table).Distinct().Count());
        Assert.Equal(5, SeedSchema.Indexes.Count);
        Assert.True(SeedSchema.Columns.Count > 100);
    }

    [Theory]
    [MemberData(nameof(SeedColumns))]
    public async Task Column_matches_the_seed(string table, string column)
    {
        var seed = SeedSchema.Columns.Single(c => c.Table == table && c.Name == column);
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT data_type, character_maximum_length, numeric_precision, numeric_scale, column_default, is_nullable
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @t AND column_name = @c
            """, conn);
        cmd.Parameters.AddWithValue("t", table);
        cmd.Parameters.AddWithValue("c", column);
        await using var r = await cmd.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await r.ReadAsync(TestContext.Current.CancellationToken), $"{table}.{column} is missing");
        var (type, length, precision, scale, def, nullable) =
            (r.GetString(0), r.IsDBNull(1) ? (int?)null : r.GetInt32(1), r.IsDBNull(2) ? (int?)null : r.GetInt32(2),
             r.IsDBNull(3) ? (int?)null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5));

        var expectedType = seed.Type switch
        {
            "UUID" => "uuid", "VARCHAR" => "character varying", "DECIMAL" => "numeric", "INTEGER" => "integer",
            "JSONB" => "jsonb", "BOOLEAN" => "boolean", "TEXT" => "text", "TIMESTAMP WITH TIME ZONE" => "timestamp with time zone",
            _ => throw new InvalidOperationException(seed.Type),
        };
        Assert.Equal(expectedType, type);
        if (seed.Length is not null) Assert.Equal(seed.Length, length);
        if (seed.Precision is not null)
        {
            Assert.Equal(seed.Precision, precision);
            Assert.Equal(seed.Scale, scale);
        }
        Assert.Equal(Normalize(seed.Default), Normalize(def));
        var inCompositeKey = SeedSchema.CompositeKeys.Any(k => k.Table == table && k.Columns.Contains(column));
        Assert.Equal(seed.NotNull || seed.PrimaryKey || inCompositeKey ? "NO" : "YES", nullable);
    }

    [Theory]
    [MemberData(nameof(SeedColumns))]
    public async Task Check_unique_and_foreign_key_match_the_seed(string table, string column)
    {
        var seed = SeedSchema.Columns.Single(c => c.Table == table && c.Name == column);
        await using var conn = await OpenAsync();

        if (seed.CheckValues is not null)
        {
            var defs = await ListAsync(conn, """
                SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                WHERE t.relname = @t AND c.contype = 'c'
                """, table);
            var def = defs.SingleOrDefault(d => d.Contains($"({column})::text") || d.Contains($"{column}::text") || d.Contains($"({column} "));
            Assert.NotNull(def);
            var values = System.Text.RegularExpressions.Regex.Matches(def, "'([^']*)'").Select(m => m.Groups[1].Value).Order();
            Assert.Equal(seed.CheckValues.Order(), values);
        }

        if (seed.Unique || seed.PrimaryKey)
        {
            var unique = await ListAsync(conn, """
                SELECT a.attname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
                WHERE t.relname = @t AND i.indisunique AND i.indnatts = 1 AND i.indpred IS NULL
                """, table);
            Assert.Contains(column, unique);
        }

        if (seed.RefTable is not null)
        {
            var fks = await ListAsync(conn, """
                SELECT a.attname::text || '|' || rt.relname::text || '|' || c.confdeltype::text FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1]
                WHERE t.relname = @t AND c.contype = 'f'
                """, table);
            var rule = seed.OnDelete switch { "CASCADE" => "c", "SET NULL" => "n", "RESTRICT" => "r", _ => "a" };
            Assert.Contains($"{column}|{seed.RefTable}|{rule}", fks);
        }
    }

    [Fact]
    public async Task Composite_primary_keys_match_the_seed()
    {
        await using var conn = await OpenAsync();
        Assert.NotEmpty(SeedSchema.CompositeKeys);
        foreach (var (table, columns) in SeedSchema.CompositeKeys)
        {
            var pk = await ListAsync(conn, """
                SELECT a.attname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
                WHERE t.relname = @t AND i.indisprimary
                """, table);
            Assert.Equal(columns.Order(), pk.Order());
        }
    }

    [Fact]
    public async Task The_five_seed_indexes_exist_under_their_names()
    {
        await using var conn = await OpenAsync();
        foreach (var index in SeedSchema.Indexes)
        {
            var defs = await ListAsync(conn, "SELECT indexdef FROM pg_indexes WHERE tablename = @t AND indexname = '" + index.Name + "'", index.Table);
            var def = Assert.Single(defs);
            Assert.Contains($"({string.Join(", ", index.Columns)})", def);
        }
    }

    [Fact]
    public async Task Updated_changes_on_every_update_whoever_writes()
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            UPDATE vps_instances SET updated = '2000-01-01' WHERE hostwinds_instance_id = 'hw-use-1001';
            UPDATE vps_instances SET region = region WHERE hostwinds_instance_id = 'hw-use-1001';
            SELECT updated > now() - interval '1 minute' FROM vps_instances WHERE hostwinds_instance_id = 'hw-use-1001';
            """, conn);
        Assert.Equal(true, await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        return conn;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection conn, string sql, string table)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("t", table);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    private static string? Normalize(string? def)
    {
        if (def is null) return null;
        var s = def.ToLowerInvariant();
        var cast = s.IndexOf("::", StringComparison.Ordinal);
        if (cast >= 0) s = s[..cast];
        return s.Trim('\'');
    }
}
