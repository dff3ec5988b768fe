using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// One expression per grid column for the life of the app: <c>Property="GridColumns.Of((IpRow r) => r.Status)"</c>.
/// MudBlazor's <c>PropertyColumn</c> compiles its <c>Property</c> (a dynamic method, collected only through a finalizer)
/// whenever it is given a different instance, and Razor builds a new expression tree at every render of the page, so
/// every render of a grid's page compiled every column again: measured, about a tenth of the CPU of a page load.
/// </summary>
public static class GridColumns
{
    private static readonly ConcurrentDictionary<(Type Row, MemberInfo Member), LambdaExpression> Cache = new();

    /// <summary>The first expression given for this row type's property (<c>r =&gt; r.Property</c>); any other shape as given.</summary>
    public static Expression<Func<T, TProperty>> Of<T, TProperty>(Expression<Func<T, TProperty>> property) =>
        property.Body is MemberExpression { Expression: ParameterExpression } member
            ? (Expression<Func<T, TProperty>>)Cache.GetOrAdd((typeof(T), member.Member), property)
            : property;
}
