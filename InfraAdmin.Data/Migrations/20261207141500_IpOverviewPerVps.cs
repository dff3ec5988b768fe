using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <summary>
    /// Issue 17, the IP overview at 100,000 tenants: per-VPS counts kept by statement triggers on the IPs (see
    /// <see cref="IpOverviewCounts"/>), and the indexes the overview's live figures (stale, went bad lately) read.
    /// </summary>
    public partial class IpOverviewPerVps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(IpOverviewCounts.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(IpOverviewCounts.Drop);
        }
    }
}
