using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <summary>audit_log partitioned by month with a default partition; the key becomes (id, created). See <see cref="AuditLogPartitioning"/>.</summary>
    public partial class AuditLogPartitions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AuditLogPartitioning.EnsureFunction);
            migrationBuilder.Sql(AuditLogPartitioning.Up);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AuditLogPartitioning.Down);
        }
    }
}
