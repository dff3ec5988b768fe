using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScaleRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "smtp_ip_listings",
                columns: table => new
                {
                    smtp_ip_address_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_smtp_ip_listings", x => new { x.smtp_ip_address_id, x.provider });
                    table.ForeignKey(
                        name: "fk_smtp_ip_listings_smtp_ip_addresses_smtp_ip_address_id",
                        column: x => x.smtp_ip_address_id,
                        principalTable: "smtp_ip_addresses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_cost_monthly",
                columns: table => new
                {
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    ip_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    vps_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    last_day = table.Column<DateOnly>(type: "date", nullable: false),
                    ip_rounded = table.Column<decimal>(type: "numeric(14,2)", nullable: false),
                    vps_rounded = table.Column<decimal>(type: "numeric(14,2)", nullable: false),
                    total_rounded = table.Column<decimal>(type: "numeric(14,2)", nullable: false)
                },
                constraints: table =>
                {
                    table.CheckConstraint("ck_tenant_cost_monthly_month", "extract(day from month) = 1");
                    table.ForeignKey(
                        name: "fk_tenant_cost_monthly_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_smtp_ip_listings_provider",
                table: "smtp_ip_listings",
                column: "provider");

            migrationBuilder.CreateIndex(
                name: "ix_tenant_cost_monthly_tenant_month",
                table: "tenant_cost_monthly",
                columns: new[] { "tenant_id", "month" });

            migrationBuilder.CreateIndex(
                name: "ux_tenant_cost_monthly_month_tenant",
                table: "tenant_cost_monthly",
                columns: new[] { "month", "tenant_id" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.Sql(IpListingsTrigger.Create);
            // The months already kept, summed once; from now on CostAllocationSql keeps both tables together.
            migrationBuilder.Sql(Costs.MonthlyCostRollUp.Months("(SELECT min(day) FROM tenant_cost_daily)", "(SELECT max(day) FROM tenant_cost_daily)"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(IpListingsTrigger.Drop);

            migrationBuilder.DropTable(
                name: "smtp_ip_listings");

            migrationBuilder.DropTable(
                name: "tenant_cost_monthly");
        }
    }
}
