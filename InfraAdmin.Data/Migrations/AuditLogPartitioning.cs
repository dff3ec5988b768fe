namespace InfraAdmin.Data.Migrations;

/// <summary>
/// <c>audit_log</c> as a table PARTITIONED BY RANGE (created), one partition per calendar month in UTC
/// (<c>audit_log_2026_12</c> holds 2026-12-01T00:00Z up to 2027-01-01T00:00Z) and a DEFAULT partition
/// (<c>audit_log_default</c>) so an insert never fails when its month has no partition yet.
/// <c>audit_log_ensure_partition(date)</c> creates a month's partition (moving that month's rows out of the default
/// partition first, or attaching would fail); the app's partition job calls it ahead of time and the scale seeder
/// before its COPY. See docs/decisions/0008-audit-partitions.md.
/// </summary>
public static class AuditLogPartitioning
{
    /// <summary>The function: idempotent, serialised by a transaction-level advisory lock, returns the partition's name.</summary>
    public const string EnsureFunction = """
        CREATE OR REPLACE FUNCTION audit_log_ensure_partition(in_month date) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
            first date := make_date(extract(year FROM in_month)::int, extract(month FROM in_month)::int, 1);
            part text := 'audit_log_' || to_char(first, 'YYYY_MM');
            -- Bounds written with an explicit UTC offset: the session's TimeZone and DateStyle never move them.
            low text := to_char(first, 'YYYY-MM-DD') || ' 00:00:00+00';
            high text := to_char((first + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00';
        BEGIN
            IF to_regclass(format('public.%I', part)) IS NOT NULL THEN RETURN part; END IF;
            PERFORM pg_advisory_xact_lock(hashtext('audit_log_ensure_partition'));
            IF to_regclass(format('public.%I', part)) IS NOT NULL THEN RETURN part; END IF;
            EXECUTE format('CREATE TABLE public.%I (LIKE public.audit_log INCLUDING DEFAULTS)', part);
            IF to_regclass('public.audit_log_default') IS NOT NULL THEN
                -- No new rows of this month may land in the default partition until it is attached (reads go on).
                LOCK TABLE public.audit_log_default IN EXCLUSIVE MODE;
                EXECUTE format('WITH moved AS (DELETE FROM public.audit_log_default WHERE created >= %L::timestamptz AND created < %L::timestamptz RETURNING *) '
                    'INSERT INTO public.%I SELECT * FROM moved', low, high, part);
            END IF;
            -- The partitioned indexes (primary key, ix_audit_log_*) are built on the new partition as it is attached.
            EXECUTE format('ALTER TABLE public.audit_log ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', part, low, high);
            -- Statistics from the start: a never-analysed empty table is planned as ten pages of rows, which the audit
            -- page's estimated total would count (autovacuum analyses it only after its first 50 rows).
            EXECUTE format('ANALYZE public.%I', part);
            RETURN part;
        END $$;
        """;

    /// <summary>
    /// Rename the plain table, create the partitioned one (same columns, identity continuing where the old sequence
    /// stood), partitions for every month with rows plus this month and the next three, copy, then keys and indexes
    /// (built once over the copied rows rather than row by row), drop the old table.
    /// </summary>
    public const string Up = """
        ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
        DROP INDEX ix_audit_log_created, ix_audit_log_entity, ix_audit_log_actor, ix_audit_log_action, ix_audit_log_tenant;
        ALTER TABLE audit_log_unpartitioned RENAME CONSTRAINT pk_audit_log TO pk_audit_log_unpartitioned;
        -- Keep the sequence's position (ids never repeat, even those of rolled-back inserts) and free its name.
        CREATE TEMP TABLE audit_log_next_id ON COMMIT DROP AS
            SELECT last_value, is_called FROM audit_log_id_seq;
        ALTER TABLE audit_log_unpartitioned ALTER COLUMN id DROP IDENTITY;

        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY,
            actor_id uuid NULL,
            actor_name character varying(256) NULL,
            action character varying(100) NOT NULL,
            entity_type character varying(100) NOT NULL,
            entity_id character varying(255) NULL,
            tenant_id uuid NULL,
            before jsonb NULL,
            after jsonb NULL,
            ip_address character varying(45) NULL,
            created timestamp with time zone NOT NULL DEFAULT (now())
        ) PARTITION BY RANGE (created);
        SELECT setval('audit_log_id_seq', last_value, is_called) FROM audit_log_next_id;
        CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

        SELECT audit_log_ensure_partition(m::date)
        FROM (SELECT DISTINCT date_trunc('month', created AT TIME ZONE 'UTC') AS m FROM audit_log_unpartitioned
              UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + n * interval '1 month' FROM generate_series(0, 3) n) months
        ORDER BY m;

        INSERT INTO audit_log (id, actor_id, actor_name, action, entity_type, entity_id, tenant_id, before, after, ip_address, created)
        OVERRIDING SYSTEM VALUE
        SELECT id, actor_id, actor_name, action, entity_type, entity_id, tenant_id, before, after, ip_address, created
        FROM audit_log_unpartitioned;
        DROP TABLE audit_log_unpartitioned;
        SELECT setval('audit_log_id_seq', greatest(max(id), (SELECT last_value FROM audit_log_id_seq))) FROM audit_log HAVING max(id) IS NOT NULL;

        ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (id, created);
        CREATE INDEX ix_audit_log_created ON audit_log (created);
        CREATE INDEX ix_audit_log_entity ON audit_log (entity_type, entity_id, created);
        CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, created);
        CREATE INDEX ix_audit_log_action ON audit_log (action, created);
        CREATE INDEX ix_audit_log_tenant ON audit_log (tenant_id, created);
        ANALYZE audit_log;
        """;

    /// <summary>Back to one plain table with its single-column key (archived months stay archived).</summary>
    public const string Down = """
        ALTER TABLE audit_log RENAME TO audit_log_partitioned;
        ALTER TABLE audit_log_partitioned RENAME CONSTRAINT pk_audit_log TO pk_audit_log_partitioned;
        DROP INDEX ix_audit_log_created, ix_audit_log_entity, ix_audit_log_actor, ix_audit_log_action, ix_audit_log_tenant;
        CREATE TEMP TABLE audit_log_next_id ON COMMIT DROP AS
            SELECT last_value, is_called FROM audit_log_id_seq;
        ALTER TABLE audit_log_partitioned ALTER COLUMN id DROP IDENTITY;

        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY,
            actor_id uuid NULL,
            actor_name character varying(256) NULL,
            action character varying(100) NOT NULL,
            entity_type character varying(100) NOT NULL,
            entity_id character varying(255) NULL,
            tenant_id uuid NULL,
            before jsonb NULL,
            after jsonb NULL,
            ip_address character varying(45) NULL,
            created timestamp with time zone NOT NULL DEFAULT (now())
        );
        SELECT setval('audit_log_id_seq', last_value, is_called) FROM audit_log_next_id;
        INSERT INTO audit_log (id, actor_id, actor_name, action, entity_type, entity_id, tenant_id, before, after, ip_address, created)
        OVERRIDING SYSTEM VALUE
        SELECT id, actor_id, actor_name, action, entity_type, entity_id, tenant_id, before, after, ip_address, created
        FROM audit_log_partitioned;
        DROP TABLE audit_log_partitioned;
        DROP FUNCTION audit_log_ensure_partition(date);

        ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (id);
        CREATE INDEX ix_audit_log_created ON audit_log (created);
        CREATE INDEX ix_audit_log_entity ON audit_log (entity_type, entity_id, created);
        CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, created);
        CREATE INDEX ix_audit_log_action ON audit_log (action, created);
        CREATE INDEX ix_audit_log_tenant ON audit_log (tenant_id, created);
        """;
}
