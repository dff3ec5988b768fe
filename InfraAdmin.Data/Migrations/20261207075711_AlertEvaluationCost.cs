using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <summary>
    /// Issue 16, alert evaluation at 10,000 tenants: partial indexes of exactly the IP rules' conditions, the digest's
    /// unmailed index (lost to EF's merging of two unnamed indexes on <c>raised_at</c>), and the alerts trigger's UPDATE
    /// check as a set difference.
    /// </summary>
    public partial class AlertEvaluationCost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_smtp_ip_addresses_live_last_check",
                table: "smtp_ip_addresses",
                column: "last_reputation_check",
                filter: "status IN ('available', 'warming', 'warmed', 'assigned', 'degraded')");

            migrationBuilder.CreateIndex(
                name: "ix_smtp_ip_addresses_poor_reputation",
                table: "smtp_ip_addresses",
                column: "id",
                filter: "reputation_state IN ('poor', 'critical') AND status IS DISTINCT FROM 'burned'");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_unmailed",
                table: "alerts",
                column: "raised_at",
                filter: "emailed_at IS NULL");

            // The alerts trigger's UPDATE check without a nested loop (see LiveChangeTriggers.AlertsFunction).
            migrationBuilder.Sql(LiveChangeTriggers.AlertsFunction);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LiveChangeTriggers.AlertsFunctionV1);

            migrationBuilder.DropIndex(
                name: "ix_smtp_ip_addresses_live_last_check",
                table: "smtp_ip_addresses");

            migrationBuilder.DropIndex(
                name: "ix_smtp_ip_addresses_poor_reputation",
                table: "smtp_ip_addresses");

            migrationBuilder.DropIndex(
                name: "ix_alerts_unmailed",
                table: "alerts");
        }
    }
}
