using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfraAdmin.Data.Migrations
{
    /// <summary>
    /// Issue 17, <c>/tenants</c> at 100,000 tenants: trigram indexes for the list's search (a substring of the name or the
    /// slug, <c>ILIKE '%…%'</c>), which otherwise reads every tenant. <c>pg_trgm</c> is a trusted extension (PostgreSQL 13+):
    /// the database's owner creates it without being a superuser.
    /// </summary>
    public partial class TenantNameSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX ix_tenants_name_trgm ON tenants USING gin (name gin_trgm_ops);
                CREATE INDEX ix_tenants_slug_trgm ON tenants USING gin (slug gin_trgm_ops);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_tenants_slug_trgm;
                DROP INDEX IF EXISTS ix_tenants_name_trgm;
                """);
        }
    }
}
