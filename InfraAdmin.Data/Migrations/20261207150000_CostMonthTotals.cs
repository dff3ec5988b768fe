using InfraAdmin.Data.Costs;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <summary>
    /// Issue 17, the cost month at 100,000 tenants: each month's totals kept beside its rows (<c>tenant_cost_month_totals</c>,
    /// written by <see cref="MonthlyCostRollUp"/> in the same transaction as the rows), and the month's tenant rows indexed
    /// by their rounded IP, VPS and total figures, so the page's first rows by a figure are read in that order. Not in the
    /// EF model: the cost service reads the table with SQL.
    /// </summary>
    public partial class CostMonthTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE tenant_cost_month_totals (
                    month date PRIMARY KEY CHECK (extract(day from month) = 1),
                    days integer NOT NULL,
                    last_day date NOT NULL,
                    ip_rounded numeric NOT NULL,
                    vps_rounded numeric NOT NULL,
                    total_rounded numeric NOT NULL,
                    idle_total_rounded numeric NOT NULL);

                COMMENT ON TABLE tenant_cost_month_totals IS
                    'One row a kept month: its tenant rows'' rounded sums and its idle total, from tenant_cost_monthly; written with it by the cost roll-up.';

                -- TRUNCATE tenant_cost_monthly (a test's fresh start) leaves no totals behind.
                CREATE FUNCTION truncate_tenant_cost_month_totals() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM tenant_cost_month_totals;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_tenant_cost_monthly_truncate AFTER TRUNCATE ON tenant_cost_monthly
                    FOR EACH STATEMENT EXECUTE FUNCTION truncate_tenant_cost_month_totals();

                CREATE INDEX ix_tenant_cost_monthly_month_total ON tenant_cost_monthly (month, total_rounded) WHERE tenant_id IS NOT NULL;
                CREATE INDEX ix_tenant_cost_monthly_month_ip ON tenant_cost_monthly (month, ip_rounded) WHERE tenant_id IS NOT NULL;
                CREATE INDEX ix_tenant_cost_monthly_month_vps ON tenant_cost_monthly (month, vps_rounded) WHERE tenant_id IS NOT NULL;
                """);
            // The months already kept, summed once.
            migrationBuilder.Sql(MonthlyCostRollUp.Totals("(SELECT min(month) FROM tenant_cost_monthly)", "(SELECT max(month) FROM tenant_cost_monthly)"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_tenant_cost_monthly_month_total;
                DROP INDEX ix_tenant_cost_monthly_month_ip;
                DROP INDEX ix_tenant_cost_monthly_month_vps;
                DROP TRIGGER trg_tenant_cost_monthly_truncate ON tenant_cost_monthly;
                DROP FUNCTION truncate_tenant_cost_month_totals();
                DROP TABLE tenant_cost_month_totals;
                """);
        }
    }
}
