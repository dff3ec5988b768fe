using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <summary>
    /// Issue 17, <c>/tenants</c> sorted by domains or users at 100,000 tenants: per-tenant numbers of users and domains
    /// kept by statement triggers (see <see cref="TenantCounts"/>), filled from the existing rows, with an index on each
    /// count for either direction of the list's sort.
    /// </summary>
    public partial class TenantCountsKept : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(TenantCounts.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(TenantCounts.Drop);
        }
    }
}
