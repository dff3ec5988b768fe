using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class LiveAccountPages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Live sign-ins and preferences pages, and the "no_tenant" flag tenant pages filter on (issue 16); see LiveChangeTriggers.
            migrationBuilder.Sql(LiveChangeTriggers.CreateAccountTables);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LiveChangeTriggers.DropAccountTables);
        }
    }
}
