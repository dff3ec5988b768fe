namespace InfraAdmin.Data.Migrations;

/// <summary>
/// The tenants list's per-tenant numbers of users and domains (issue 17): one row per tenant, zeros included, kept by
/// AFTER ... FOR EACH STATEMENT triggers with transition tables on <c>tenants</c> (a new tenant gets its row),
/// <c>users</c> and <c>domains</c> (insert, update, delete, truncate), whoever writes (the app, psql, the seed's COPY:
/// one grouped upsert per write statement, in tenant order). A tenant's row goes with it (a foreign key, ON DELETE
/// CASCADE; a TRUNCATE of the tenants must cascade to it). A row per tenant, zeros kept, so that the list sorted by a
/// count is one walk of that count's index joined to the tenants, with the tenants that have none among the others in
/// the list's order (the count, then the id); a table without the zero rows would need the tenants without a row
/// merged in by id. The rows are written in the transaction of the change: the users' and domains' live
/// notifications (which the list follows) cover them.
/// </summary>
public static class TenantCounts
{
    public const string Table = "tenant_counts";

    /// <summary>The kept columns, each with the table whose rows (by <c>tenant_id</c>) it counts.</summary>
    public static readonly IReadOnlyList<(string Column, string Counted)> Columns = [("users", "users"), ("domains", "domains")];

    /// <summary>
    /// Adds the grouped changes of <paramref name="column"/> (rows of <c>tenant_id</c> and <c>sign</c>: 1 for a row
    /// added, -1 for a row removed) to the kept rows, in tenant order, for the tenants that still exist (a tenant's
    /// cascaded delete of its domains has nothing left to count).
    /// </summary>
    private static string Apply(string column, string signedRows) => $"""
                INSERT INTO {Table} AS k (tenant_id, {string.Join(", ", Columns.Select(c => c.Column))})
                SELECT d.tenant_id, {string.Join(", ", Columns.Select(c => c.Column == column ? "d.n" : "0"))}
                FROM (SELECT r.tenant_id, sum(r.sign)::int AS n FROM ({signedRows}) r WHERE r.tenant_id IS NOT NULL GROUP BY 1) d
                WHERE d.n <> 0 AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = d.tenant_id)
                ORDER BY d.tenant_id
                ON CONFLICT (tenant_id) DO UPDATE SET {column} = k.{column} + excluded.{column};
        """;

    private static string KeepFunction(string column) => $"""
        CREATE FUNCTION keep_tenant_counts_{column}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                UPDATE {Table} SET {column} = 0 WHERE {column} <> 0;
            ELSIF TG_OP = 'INSERT' THEN
        {Apply(column, "SELECT n.tenant_id, 1 AS sign FROM rows_new n")}
            ELSIF TG_OP = 'DELETE' THEN
        {Apply(column, "SELECT o.tenant_id, -1 AS sign FROM rows_old o")}
            ELSE
        {Apply(column, "SELECT n.tenant_id, 1 AS sign FROM rows_new n UNION ALL SELECT o.tenant_id, -1 FROM rows_old o")}
            END IF;
            RETURN NULL;
        END $$;
        """;

    /// <summary>The statement triggers on <paramref name="table"/> (a transition table cannot go with UPDATE OF a column: every update is looked at, and one that moves nothing writes nothing).</summary>
    private static string Triggers(string table, string column) => $"""
        CREATE TRIGGER trg_tenant_counts_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS rows_new
            FOR EACH STATEMENT EXECUTE FUNCTION keep_tenant_counts_{column}();
        CREATE TRIGGER trg_tenant_counts_upd AFTER UPDATE ON {table} REFERENCING OLD TABLE AS rows_old NEW TABLE AS rows_new
            FOR EACH STATEMENT EXECUTE FUNCTION keep_tenant_counts_{column}();
        CREATE TRIGGER trg_tenant_counts_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS rows_old
            FOR EACH STATEMENT EXECUTE FUNCTION keep_tenant_counts_{column}();
        CREATE TRIGGER trg_tenant_counts_trunc AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION keep_tenant_counts_{column}();
        """;

    public static string Create => $"""
        CREATE TABLE {Table} (
            tenant_id uuid NOT NULL CONSTRAINT pk_{Table} PRIMARY KEY
                CONSTRAINT fk_{Table}_tenants_tenant_id REFERENCES tenants (id) ON DELETE CASCADE,
            {string.Join(",\n    ", Columns.Select(c => $"{c.Column} integer NOT NULL"))}
        );

        -- A new tenant starts at zero (unless a trigger of the same statement counted it first).
        CREATE FUNCTION keep_tenant_counts_tenants() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {Table} (tenant_id, {string.Join(", ", Columns.Select(c => c.Column))})
            SELECT n.id, {string.Join(", ", Columns.Select(_ => "0"))} FROM rows_new n ORDER BY n.id
            ON CONFLICT (tenant_id) DO NOTHING;
            RETURN NULL;
        END $$;
        CREATE TRIGGER trg_tenant_counts_ins AFTER INSERT ON tenants REFERENCING NEW TABLE AS rows_new
            FOR EACH STATEMENT EXECUTE FUNCTION keep_tenant_counts_tenants();

        {string.Join("\n", Columns.Select(c => KeepFunction(c.Column) + "\n" + Triggers(c.Counted, c.Column)))}

        {Refill}

        -- The list sorted by a count, either way, ties by tenant id (its order: the count, then the id ascending).
        {string.Join("\n", Columns.Select(c => $"""
            CREATE INDEX ix_{Table}_{c.Column} ON {Table} ({c.Column}, tenant_id);
            CREATE INDEX ix_{Table}_{c.Column}_desc ON {Table} ({c.Column} DESC, tenant_id);
            """))}
        """;

    /// <summary>The kept rows counted afresh, one per tenant, in one statement (the migration; a repair).</summary>
    public static string Refill => $"""
        DELETE FROM {Table};
        INSERT INTO {Table} (tenant_id, {string.Join(", ", Columns.Select(c => c.Column))})
        SELECT t.id, {string.Join(", ", Columns.Select(c => $"coalesce({c.Column}.n, 0)"))}
        FROM tenants t
        {string.Join("\n", Columns.Select(c => $"LEFT JOIN (SELECT tenant_id, count(*)::int AS n FROM {c.Counted} GROUP BY 1) {c.Column} ON {c.Column}.tenant_id = t.id"))};
        """;

    public static string Drop => $"""
        {string.Join("\n", Columns.Select(c => c.Counted).Prepend("tenants").SelectMany(t =>
            new[] { "ins", "upd", "del", "trunc" }.Select(k => $"DROP TRIGGER IF EXISTS trg_tenant_counts_{k} ON {t};")))}
        DROP FUNCTION IF EXISTS keep_tenant_counts_tenants();
        {string.Join("\n", Columns.Select(c => $"DROP FUNCTION IF EXISTS keep_tenant_counts_{c.Column}();"))}
        DROP TABLE IF EXISTS {Table};
        """;
}
