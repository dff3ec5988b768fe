using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class Alerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    rule = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    subject_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    permission = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    link = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    raised_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    resolved_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    acknowledged_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<Guid>(type: "uuid", nullable: true),
                    ack_note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    emailed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    webhook_queued_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => x.id);
                    table.CheckConstraint("ck_alerts_permission", "permission IN ('ip.view', 'vps.view', 'costs.view', 'config.view')");
                    table.CheckConstraint("ck_alerts_severity", "severity IN ('info', 'warning', 'critical')");
                    table.ForeignKey(
                        name: "fk_alerts_asp_net_users_acknowledged_by",
                        column: x => x.acknowledged_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_alerts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "alert_webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    alert_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    attempted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    duration_ms = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alert_webhook_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_alert_webhook_deliveries_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_alert_webhook_deliveries_alert_id",
                table: "alert_webhook_deliveries",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "ix_alert_webhook_deliveries_attempted_at",
                table: "alert_webhook_deliveries",
                column: "attempted_at");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_acknowledged_by",
                table: "alerts",
                column: "acknowledged_by");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_open_permission",
                table: "alerts",
                column: "permission",
                filter: "resolved_at IS NULL AND acknowledged_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_permission_raised_at",
                table: "alerts",
                columns: new[] { "permission", "raised_at" });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_tenant_id",
                table: "alerts",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_webhook_unqueued",
                table: "alerts",
                column: "raised_at",
                filter: "webhook_queued_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_alerts_open_episode",
                table: "alerts",
                columns: new[] { "rule", "subject_key" },
                unique: true,
                filter: "resolved_at IS NULL");

            // Live pages follow the alerts (see LiveChangeTriggers.AlertsCreate) and the webhook's delivery log.
            migrationBuilder.Sql(LiveChangeTriggers.AlertsCreate);
            migrationBuilder.Sql(LiveChangeTriggers.AlertDeliveriesCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LiveChangeTriggers.AlertsDrop);
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS live_alert_webhook_deliveries_ins ON alert_webhook_deliveries; DROP TRIGGER IF EXISTS live_alert_webhook_deliveries_upd ON alert_webhook_deliveries; DROP TRIGGER IF EXISTS live_alert_webhook_deliveries_del ON alert_webhook_deliveries; DROP TRIGGER IF EXISTS live_alert_webhook_deliveries_trunc ON alert_webhook_deliveries;");

            migrationBuilder.DropTable(
                name: "alert_webhook_deliveries");

            migrationBuilder.DropTable(
                name: "alerts");
        }
    }
}
