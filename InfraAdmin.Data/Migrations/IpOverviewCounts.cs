using InfraAdmin.Data.Entities;

namespace InfraAdmin.Data.Migrations;

/// <summary>
/// The IP overview's per-VPS counts (issue 17): one row per VPS that has IPs (<see cref="NoVps"/> for the IPs without
/// one) with its IPs, those in trouble, those listed, and its IPs per status and per reputation, kept by AFTER ... FOR EACH
/// STATEMENT triggers on <c>smtp_ip_addresses</c> with transition tables, whoever writes (the app, the checker API, an
/// import, a job, psql, a COPY of 500,000 rows: one grouped statement per write statement). A VPS whose last IP goes loses
/// its row. Only what does not depend on the clock is kept; stale and recently bad are read live from their indexes.
/// "Listed" is read from <c>provider_blacklist_status</c> with the same rule as <see cref="IpListingsTrigger"/> (an object
/// member that is an object with <c>"listed": true</c>), so an IP counts as listed exactly when it has listing rows.
/// The counts are written in the transaction of the IP change: the IP table's live notification covers them.
/// </summary>
public static class IpOverviewCounts
{
    public const string Table = "ip_overview_vps";

    /// <summary>The key of the IPs without a VPS (a primary key holds no NULL).</summary>
    public const string NoVps = "00000000-0000-0000-0000-000000000000";

    /// <summary>The kept columns and what each counts, for one IP row <c>r</c> (the overview's own definitions).</summary>
    public static readonly IReadOnlyList<(string Column, string Counts)> Columns =
    [
        ("total", "true"),
        ("in_trouble", "r.status <> 'burned' AND (r.status IN ('degraded', 'quarantined') OR r.reputation_state IN ('poor', 'critical'))"),
        ("listed", """jsonb_typeof(r.provider_blacklist_status) = 'object' AND r.provider_blacklist_status @? 'strict $.* ? (@.type() == "object" && @.listed == true)'"""),
        .. IpStatus.All.Select(s => (StatusColumn(s), $"r.status = '{s}'")),
        .. ReputationState.All.Select(s => (ReputationColumn(s), $"r.reputation_state = '{s}'")),
    ];

    public static string StatusColumn(string status) => "status_" + status;

    public static string ReputationColumn(string reputation) => "reputation_" + reputation;

    /// <summary>The counts of the rows (IP rows with a <c>sign</c>: 1 for a row added, -1 for a row removed), per VPS.</summary>
    private static string Grouped(string signedRows) =>
        $"SELECT coalesce(r.vps_instance_id, '{NoVps}') AS vps_key, " +
        string.Join(", ", Columns.Select(c => $"sum(CASE WHEN ({c.Counts}) IS TRUE THEN r.sign ELSE 0 END)::int AS {c.Column}")) +
        $" FROM ({signedRows}) r GROUP BY 1";

    private const string Added = "SELECT 1 AS sign, n.* FROM ip_new n";
    private const string Removed = "SELECT -1 AS sign, o.* FROM ip_old o";

    private static string ColumnList => string.Join(", ", Columns.Select(c => c.Column));

    /// <summary>Adds the changes (rows of <c>vps_key</c> and the columns) to the kept rows, in key order; drops the VPS left with no IP.</summary>
    private static string Apply(string changes) => $"""
                WITH up AS (
                    INSERT INTO {Table} AS k (vps_key, {ColumnList})
                    SELECT * FROM ({changes}) d
                    WHERE ({ColumnList}) IS DISTINCT FROM ({string.Join(", ", Columns.Select(_ => "0"))})
                    ORDER BY vps_key
                    ON CONFLICT (vps_key) DO UPDATE SET {string.Join(", ", Columns.Select(c => $"{c.Column} = k.{c.Column} + excluded.{c.Column}"))}
                    RETURNING k.vps_key, k.total)
                SELECT array_agg(vps_key) INTO emptied FROM up WHERE total = 0;
                IF emptied IS NOT NULL THEN DELETE FROM {Table} WHERE vps_key = ANY (emptied); END IF;
        """;

    public static string Create => $"""
        CREATE TABLE {Table} (
            vps_key uuid PRIMARY KEY,
            {string.Join(",\n    ", Columns.Select(c => $"{c.Column} integer NOT NULL"))}
        );
        -- The overview's ranking: most in trouble, then most listed (ties broken by the live stale count).
        CREATE INDEX ix_{Table}_rank ON {Table} (in_trouble DESC, listed DESC);

        CREATE FUNCTION keep_ip_overview_vps() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            emptied uuid[];
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM {Table};
            ELSIF TG_OP = 'INSERT' THEN
        {Apply(Grouped(Added))}
            ELSIF TG_OP = 'DELETE' THEN
        {Apply(Grouped(Removed))}
            ELSE
        {Apply(Grouped($"{Added} UNION ALL {Removed}"))}
            END IF;
            RETURN NULL;
        END $$;

        CREATE TRIGGER trg_ip_overview_vps_ins AFTER INSERT ON smtp_ip_addresses REFERENCING NEW TABLE AS ip_new
            FOR EACH STATEMENT EXECUTE FUNCTION keep_ip_overview_vps();
        CREATE TRIGGER trg_ip_overview_vps_upd AFTER UPDATE ON smtp_ip_addresses REFERENCING OLD TABLE AS ip_old NEW TABLE AS ip_new
            FOR EACH STATEMENT EXECUTE FUNCTION keep_ip_overview_vps();
        CREATE TRIGGER trg_ip_overview_vps_del AFTER DELETE ON smtp_ip_addresses REFERENCING OLD TABLE AS ip_old
            FOR EACH STATEMENT EXECUTE FUNCTION keep_ip_overview_vps();
        CREATE TRIGGER trg_ip_overview_vps_trunc AFTER TRUNCATE ON smtp_ip_addresses
            FOR EACH STATEMENT EXECUTE FUNCTION keep_ip_overview_vps();

        {Refill}

        -- The live figures: stale IPs (a range of an index of the IPs that are not burned) and the IPs that went bad lately.
        CREATE INDEX ix_smtp_ip_addresses_unburned_check ON smtp_ip_addresses (last_reputation_check) WHERE status IS DISTINCT FROM 'burned';
        CREATE INDEX ix_smtp_ip_history_went_bad ON smtp_ip_history (changed, smtp_ip_address_id)
            WHERE kind = 'status' AND to_status IN ('degraded', 'burned');
        """;

    /// <summary>The kept rows counted afresh from every IP, in one statement (the migration; a repair).</summary>
    public static string Refill => $"""
        DELETE FROM {Table};
        INSERT INTO {Table} (vps_key, {ColumnList}) {Grouped("SELECT 1 AS sign, i.* FROM smtp_ip_addresses i")};
        """;

    public const string Drop = """
        DROP INDEX IF EXISTS ix_smtp_ip_history_went_bad;
        DROP INDEX IF EXISTS ix_smtp_ip_addresses_unburned_check;
        DROP TRIGGER IF EXISTS trg_ip_overview_vps_ins ON smtp_ip_addresses;
        DROP TRIGGER IF EXISTS trg_ip_overview_vps_upd ON smtp_ip_addresses;
        DROP TRIGGER IF EXISTS trg_ip_overview_vps_del ON smtp_ip_addresses;
        DROP TRIGGER IF EXISTS trg_ip_overview_vps_trunc ON smtp_ip_addresses;
        DROP FUNCTION IF EXISTS keep_ip_overview_vps();
        DROP TABLE IF EXISTS ip_overview_vps;
        """;
}
