namespace InfraAdmin.Data;

/// <summary>
/// A bulk load into tables with their secondary indexes and foreign keys built once after it instead of kept row by row:
/// <see cref="Suspend"/> notes each index and key as the catalog defines it and drops it, the load runs, and
/// <see cref="Restore"/> builds them again. Kept up per row, an index costs a random insert and a foreign key a lookup for
/// every row; built afterwards, each is one sort or one join. Primary keys and unique constraints stay (other tables' keys
/// may point at them), and so do partial and expression indexes: PostgreSQL would write their expressions back in another
/// (equivalent) form, and the schema should read as its migrations wrote it. Both run in the same transaction (the notes are a temp table dropped at commit): a failed load
/// rolls the drops back too. Dropping an index or key locks its table until the commit, so this is for loads into tables
/// nobody is using yet (a seed, the first fill of a roll-up).
/// </summary>
public static class BulkLoad
{
    /// <summary>The statement that notes and drops the secondary indexes and foreign keys of <paramref name="tables"/> (names in code, not input).</summary>
    public static string Suspend(params string[] tables)
    {
        var list = string.Join(", ", tables.Select(t => $"'{t}'::regclass"));
        return $"""
            CREATE TEMP TABLE bulk_load_rebuild ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY kind, sort)::int AS ord, create_statement, drop_statement FROM (
                -- a partitioned table's index is defined ON ONLY the parent; built again on the parent, it covers every partition
                SELECT 1 AS kind, i.indexrelid::bigint::text AS sort,
                       CASE WHEN t.relkind = 'p' THEN replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') ELSE pg_get_indexdef(i.indexrelid) END AS create_statement,
                       format('DROP INDEX %s', i.indexrelid::regclass) AS drop_statement
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                WHERE i.indrelid IN ({list}) AND i.indpred IS NULL AND i.indexprs IS NULL
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                UNION ALL
                SELECT 2, c.conname,
                       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)),
                       format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)
                FROM pg_constraint c WHERE c.conrelid IN ({list}) AND c.contype = 'f') x;

            DO $$
            DECLARE statement text;
            BEGIN
                FOR statement IN SELECT drop_statement FROM bulk_load_rebuild ORDER BY ord DESC LOOP
                    EXECUTE statement;
                END LOOP;
            END $$;
            """;
    }

    /// <summary>
    /// Builds what <see cref="Suspend"/> dropped: the indexes (with <c>maintenance_work_mem</c> raised for the transaction,
    /// so the sorts of millions of keys stay in memory), then the foreign keys (each checked by one join).
    /// </summary>
    public const string Restore = """
        SET LOCAL maintenance_work_mem = '1GB';
        DO $$
        DECLARE statement text;
        BEGIN
            FOR statement IN SELECT create_statement FROM bulk_load_rebuild ORDER BY ord LOOP
                EXECUTE statement;
            END LOOP;
        END $$;
        DROP TABLE bulk_load_rebuild;
        """;
}
