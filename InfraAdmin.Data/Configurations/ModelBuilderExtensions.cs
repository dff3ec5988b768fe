using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InfraAdmin.Data.Configurations;

internal static class ModelBuilderExtensions
{
    public const string Now = "now()";
    public const string NewUuid = "gen_random_uuid()";

    /// <summary>A CHECK that the column is one of the given values (the seed's <c>CHECK (x IN (...))</c>).</summary>
    public static void HasValueSet<T>(this EntityTypeBuilder<T> entity, string table, string column, IEnumerable<string> values)
        where T : class
    {
        var list = string.Join(", ", values.Select(v => $"'{v}'"));
        entity.ToTable(t => t.HasCheckConstraint($"ck_{table}_{column}", $"{column} IN ({list})"));
    }

    /// <summary>Optimistic concurrency on PostgreSQL's <c>xmin</c> system column.</summary>
    public static void HasXminConcurrency<T>(this EntityTypeBuilder<T> entity, System.Linq.Expressions.Expression<Func<T, uint>> version)
        where T : class => entity.Property(version).IsRowVersion();
}
