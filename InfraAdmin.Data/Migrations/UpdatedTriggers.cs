namespace InfraAdmin.Data.Migrations;

/// <summary>
/// A BEFORE UPDATE trigger on every table with an <c>updated</c> column sets it to now(). A migration
/// that adds such a table runs <see cref="Create"/> again (it is idempotent).
/// </summary>
public static class UpdatedTriggers
{
    public const string Create = """
        CREATE OR REPLACE FUNCTION set_updated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated := now();
            RETURN NEW;
        END $$;

        DO $$
        DECLARE t text;
        BEGIN
            FOR t IN SELECT c.table_name FROM information_schema.columns c
                     JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
                     WHERE c.table_schema = current_schema() AND c.column_name = 'updated' AND tb.table_type = 'BASE TABLE'
            LOOP
                EXECUTE format('DROP TRIGGER IF EXISTS trg_%1$s_updated ON %1$I', t);
                EXECUTE format('CREATE TRIGGER trg_%1$s_updated BEFORE UPDATE ON %1$I FOR EACH ROW EXECUTE FUNCTION set_updated()', t);
            END LOOP;
        END $$;
        """;

    public const string Drop = """
        DO $$
        DECLARE t text;
        BEGIN
            FOR t IN SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE 'trg_%_updated'
            LOOP
                EXECUTE format('DROP TRIGGER IF EXISTS trg_%1$s_updated ON %1$I', t);
            END LOOP;
        END $$;
        DROP FUNCTION IF EXISTS set_updated();
        """;
}
