namespace InfraAdmin.Data.Migrations;

/// <summary>
/// Live pages (issue 16): AFTER ... FOR EACH STATEMENT triggers send one <c>pg_notify</c> on <see cref="Channel"/> per
/// statement per table, whoever writes (the app, the checker API, an import, a job, another instance, psql), so a bulk
/// UPDATE of 5,000 rows or a COPY of 1,000,000 is one notification. The payload is JSON and never carries data:
/// <c>{"table": "smtp_ip_addresses", "keys": ["…"], "tenant": "…"}</c> — <c>keys</c> the distinct values of the table's
/// key column (for history and assignments: the IP's id) when the statement touched at most <see cref="MaxKeys"/> of them,
/// else absent ("many"); <c>tenant</c> when the table has a tenant column and the statement touched one tenant only
/// (<c>"no_tenant": true</c> when it touched only rows without one, at most 200 rows read). A
/// statement that touched no row sends nothing. The roll-up tables have no trigger: a rebuild notifies once from its code.
/// </summary>
public static class LiveChangeTriggers
{
    public const string Channel = "infraadmin_data_changed";
    public const int MaxKeys = 20;

    /// <summary>Each watched table, its key column and its tenant column ('' for none).</summary>
    public static readonly IReadOnlyList<(string Table, string Key, string Tenant)> Tables =
    [
        ("smtp_ip_addresses", "id", ""),
        ("smtp_ip_history", "smtp_ip_address_id", ""),
        ("domain_ip_assignments", "smtp_ip_address_id", ""),
        ("domains", "id", "tenant_id"),
        ("vps_instances", "id", ""),
        ("staff_members", "user_id", ""),
        ("staff_roles", "id", ""),
        ("staff_role_permissions", "role_id", ""),
        ("users", "id", "tenant_id"),
        ("system_config", "key", ""),
        ("feature_flags", "id", ""),
        ("tenants", "id", "id"),
        ("tenant_config", "tenant_id", "tenant_id"),
        ("tenant_policies", "tenant_id", "tenant_id"),
        ("audit_log", "id", "tenant_id"),
    ];

    public static string Create => Function + string.Concat(Tables.Select(t => CreateTriggers(t.Table, t.Key, t.Tenant)));

    public static string Drop =>
        string.Concat(Tables.Select(t => DropTriggers(t.Table))) + "DROP FUNCTION IF EXISTS notify_live_change();\n";

    /// <summary>
    /// Added by migration <c>LiveAccountPages</c> (issue 16, part 2): a user's own sign-ins and preferences, keyed by the
    /// user, so "Your sign-ins" and "Preferences" follow changes made in another browser.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Key, string Tenant)> AccountTables =
    [
        ("user_sessions", "user_id", ""),
        ("user_preferences", "user_id", ""),
    ];

    /// <summary>
    /// Migration <c>LiveAccountPages</c>: the function again (it now says <c>"no_tenant": true</c> when a table with a
    /// tenant column was changed only in rows without a tenant, such as a staff user, so tenant pages can ignore it) and
    /// the account tables' triggers.
    /// </summary>
    public static string CreateAccountTables => Function + string.Concat(AccountTables.Select(t => CreateTriggers(t.Table, t.Key, t.Tenant)));

    /// <summary>Down of <c>LiveAccountPages</c>: the account tables' triggers (the function stays: the flag it adds is optional).</summary>
    public static string DropAccountTables => string.Concat(AccountTables.Select(t => DropTriggers(t.Table)));

    /// <summary>
    /// Hangfire's job table lives in its own schema, created by Hangfire at start-up (after the migrations): the app adds
    /// this trigger once the schema is there (idempotent; any instance may run it).
    /// </summary>
    public const string Hangfire = """
        DO $$
        BEGIN
            IF to_regclass('hangfire.job') IS NOT NULL THEN
                CREATE OR REPLACE TRIGGER live_job_stmt AFTER INSERT OR UPDATE OR DELETE ON hangfire.job
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_live_change('', '');
            END IF;
        END $$;
        """;

    /// <summary>
    /// Alerts (migration <c>Alerts</c>): inserts and deletes announce the alert ids like any table; an UPDATE announces
    /// itself only when it changed what a page shows (state, severity, text), so the evaluator touching
    /// <c>last_seen_at</c> or the digest setting <c>emailed_at</c> does not refresh every open page each minute. The delivery
    /// log of the webhook follows the generic trigger.
    /// </summary>
    public const string AlertsCreate = AlertsFunctionV1 + AlertsTriggers;

    private const string AlertsTriggers = """
        CREATE TRIGGER live_alerts_ins AFTER INSERT ON alerts REFERENCING NEW TABLE AS live_new
            FOR EACH STATEMENT EXECUTE FUNCTION notify_alerts_change();
        CREATE TRIGGER live_alerts_upd AFTER UPDATE ON alerts REFERENCING NEW TABLE AS live_new OLD TABLE AS live_old
            FOR EACH STATEMENT EXECUTE FUNCTION notify_alerts_change();
        CREATE TRIGGER live_alerts_del AFTER DELETE ON alerts REFERENCING OLD TABLE AS live_old
            FOR EACH STATEMENT EXECUTE FUNCTION notify_alerts_change();

        """;

    /// <summary>The first <c>notify_alerts_change</c> (migration <c>Alerts</c>; Down of <c>AlertEvaluationCost</c>).</summary>
    public const string AlertsFunctionV1 = """
        CREATE OR REPLACE FUNCTION notify_alerts_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            keys text[];
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NOT EXISTS (
                    SELECT 1 FROM live_new n JOIN live_old o ON o.id = n.id
                    WHERE (n.resolved_at, n.acknowledged_at, n.ack_note, n.severity, n.title, n.detail, n.link)
                          IS DISTINCT FROM (o.resolved_at, o.acknowledged_at, o.ack_note, o.severity, o.title, o.detail, o.link)) THEN
                    RETURN NULL;
                END IF;
                SELECT array_agg(k) INTO keys FROM (SELECT n.id::text AS k FROM live_new n LIMIT 21) r;
            ELSIF TG_OP = 'INSERT' THEN
                SELECT array_agg(k) INTO keys FROM (SELECT n.id::text AS k FROM live_new n LIMIT 21) r;
            ELSE
                SELECT array_agg(k) INTO keys FROM (SELECT o.id::text AS k FROM live_old o LIMIT 21) r;
            END IF;
            IF keys IS NULL THEN RETURN NULL; END IF; -- the statement touched nothing
            IF cardinality(keys) > 20 THEN keys := NULL; END IF; -- MaxKeys
            PERFORM pg_notify('infraadmin_data_changed', jsonb_strip_nulls(jsonb_build_object('table', 'alerts', 'keys', to_jsonb(keys)))::text);
            RETURN NULL;
        END $$;

        """;

    /// <summary>
    /// <c>notify_alerts_change</c> as of migration <c>AlertEvaluationCost</c>: the same announcements; an UPDATE's "did a shown
    /// column change" is a hashed set difference of the transition tables instead of an EXISTS over their join, which the
    /// planner ran as a nested loop (the evaluator touching <c>last_seen_at</c> of 28,000 open alerts spent 30 s to 2 min here).
    /// </summary>
    public const string AlertsFunction = """
        CREATE OR REPLACE FUNCTION notify_alerts_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            keys text[];
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                -- A set difference (hashed), not a join under EXISTS: for an EXISTS the planner costs the first row only and
                -- picks a nested loop over the two transition tables, n x n (28,000 rows touched: 2 minutes in this trigger).
                IF NOT EXISTS (
                    SELECT n.id, n.resolved_at, n.acknowledged_at, n.ack_note, n.severity, n.title, n.detail, n.link FROM live_new n
                    EXCEPT ALL
                    SELECT o.id, o.resolved_at, o.acknowledged_at, o.ack_note, o.severity, o.title, o.detail, o.link FROM live_old o) THEN
                    RETURN NULL;
                END IF;
                SELECT array_agg(k) INTO keys FROM (SELECT n.id::text AS k FROM live_new n LIMIT 21) r;
            ELSIF TG_OP = 'INSERT' THEN
                SELECT array_agg(k) INTO keys FROM (SELECT n.id::text AS k FROM live_new n LIMIT 21) r;
            ELSE
                SELECT array_agg(k) INTO keys FROM (SELECT o.id::text AS k FROM live_old o LIMIT 21) r;
            END IF;
            IF keys IS NULL THEN RETURN NULL; END IF; -- the statement touched nothing
            IF cardinality(keys) > 20 THEN keys := NULL; END IF; -- MaxKeys
            PERFORM pg_notify('infraadmin_data_changed', jsonb_strip_nulls(jsonb_build_object('table', 'alerts', 'keys', to_jsonb(keys)))::text);
            RETURN NULL;
        END $$;

        """;

    public static string AlertDeliveriesCreate => CreateTriggers("alert_webhook_deliveries", "alert_id", "");

    public const string AlertsDrop = """
        DROP TRIGGER IF EXISTS live_alerts_ins ON alerts;
        DROP TRIGGER IF EXISTS live_alerts_upd ON alerts;
        DROP TRIGGER IF EXISTS live_alerts_del ON alerts;
        DROP FUNCTION IF EXISTS notify_alerts_change();

        """;

    private const string Function = """
        CREATE OR REPLACE FUNCTION notify_live_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            key_column text := nullif(TG_ARGV[0], '');
            tenant_column text := nullif(TG_ARGV[1], '');
            rows_sql text;
            n int;
            keys text[];
            tenants text[];
            no_tenant boolean;
        BEGIN
            IF key_column IS NOT NULL AND TG_OP <> 'TRUNCATE' THEN
                rows_sql := format('%I::text AS k, %s AS t', key_column, CASE WHEN tenant_column IS NULL THEN 'NULL::text' ELSE format('%I::text', tenant_column) END);
                rows_sql := CASE TG_OP WHEN 'INSERT' THEN format('SELECT %s FROM live_new', rows_sql)
                                       WHEN 'DELETE' THEN format('SELECT %s FROM live_old', rows_sql)
                                       ELSE format('SELECT %1$s FROM live_new UNION ALL SELECT %1$s FROM live_old', rows_sql) END;
                -- Look at 200 rows at most: a COPY of a million rows is "many" without reading them.
                EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM (%s) r LIMIT 201) c', rows_sql) INTO n;
                IF n = 0 THEN RETURN NULL; END IF;
                IF n <= 200 THEN
                    EXECUTE format('SELECT array_agg(DISTINCT k), array_agg(DISTINCT t) FILTER (WHERE t IS NOT NULL) FROM (%s) r', rows_sql)
                        INTO keys, tenants;
                    IF cardinality(keys) > 20 THEN keys := NULL; END IF; -- MaxKeys
                    -- Only rows without a tenant (a staff user): no tenant's page is concerned.
                    IF tenant_column IS NOT NULL AND coalesce(cardinality(tenants), 0) = 0 THEN no_tenant := true; END IF;
                END IF;
            END IF;
            PERFORM pg_notify('infraadmin_data_changed', jsonb_strip_nulls(jsonb_build_object(
                'table', CASE WHEN TG_TABLE_SCHEMA = current_schema() THEN TG_TABLE_NAME ELSE TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME END,
                'keys', to_jsonb(keys),
                'tenant', CASE WHEN cardinality(tenants) = 1 THEN tenants[1] END,
                'no_tenant', no_tenant))::text);
            RETURN NULL;
        END $$;

        """;

    private static string CreateTriggers(string table, string key, string tenant) => $"""
        CREATE TRIGGER live_{table}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS live_new
            FOR EACH STATEMENT EXECUTE FUNCTION notify_live_change('{key}', '{tenant}');
        CREATE TRIGGER live_{table}_upd AFTER UPDATE ON {table} REFERENCING NEW TABLE AS live_new OLD TABLE AS live_old
            FOR EACH STATEMENT EXECUTE FUNCTION notify_live_change('{key}', '{tenant}');
        CREATE TRIGGER live_{table}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS live_old
            FOR EACH STATEMENT EXECUTE FUNCTION notify_live_change('{key}', '{tenant}');
        CREATE TRIGGER live_{table}_trunc AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION notify_live_change('', '');

        """;

    private static string DropTriggers(string table) => $"""
        DROP TRIGGER IF EXISTS live_{table}_ins ON {table};
        DROP TRIGGER IF EXISTS live_{table}_upd ON {table};
        DROP TRIGGER IF EXISTS live_{table}_del ON {table};
        DROP TRIGGER IF EXISTS live_{table}_trunc ON {table};

        """;
}
