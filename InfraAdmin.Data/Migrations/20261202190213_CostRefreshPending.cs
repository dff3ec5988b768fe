using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class CostRefreshPending : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cost_refresh_pending",
                columns: table => new
                {
                    id = table.Column<short>(type: "smallint", nullable: false),
                    from_day = table.Column<DateOnly>(type: "date", nullable: false),
                    requested = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_refresh_pending", x => x.id);
                    table.CheckConstraint("ck_cost_refresh_pending_single", "id = 1");
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cost_refresh_pending");
        }
    }
}
