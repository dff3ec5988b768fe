namespace InfraAdmin.Data.Migrations;

/// <summary>
/// Keeps <c>smtp_ip_listings</c> equal to the providers whose entry in an IP's <c>provider_blacklist_status</c> is an
/// object with <c>"listed": true</c> (a JSON boolean; the same reading as <c>IpReputationService.Providers</c>).
/// An AFTER trigger on every insert and on each update of the column, whoever writes it (the app, the check API, COPY).
/// </summary>
public static class IpListingsTrigger
{
    public const string Create = """
        CREATE OR REPLACE FUNCTION sync_smtp_ip_listings() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NEW.provider_blacklist_status IS NOT DISTINCT FROM OLD.provider_blacklist_status THEN RETURN NULL; END IF;
                DELETE FROM smtp_ip_listings WHERE smtp_ip_address_id = NEW.id;
            END IF;
            IF jsonb_typeof(NEW.provider_blacklist_status) = 'object' THEN
                INSERT INTO smtp_ip_listings (smtp_ip_address_id, provider)
                SELECT NEW.id, e.key FROM jsonb_each(NEW.provider_blacklist_status) e
                WHERE jsonb_typeof(e.value) = 'object' AND e.value -> 'listed' = 'true'::jsonb;
            END IF;
            RETURN NULL;
        END $$;

        CREATE TRIGGER trg_smtp_ip_listings_sync
            AFTER INSERT OR UPDATE OF provider_blacklist_status ON smtp_ip_addresses
            FOR EACH ROW EXECUTE FUNCTION sync_smtp_ip_listings();

        INSERT INTO smtp_ip_listings (smtp_ip_address_id, provider)
        SELECT i.id, e.key FROM smtp_ip_addresses i CROSS JOIN LATERAL jsonb_each(i.provider_blacklist_status) e
        WHERE jsonb_typeof(i.provider_blacklist_status) = 'object'
          AND jsonb_typeof(e.value) = 'object' AND e.value -> 'listed' = 'true'::jsonb;
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS trg_smtp_ip_listings_sync ON smtp_ip_addresses;
        DROP FUNCTION IF EXISTS sync_smtp_ip_listings();
        """;
}
