using System.Net;
using System.Reflection;
using System.Text;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>
/// Walks the app's route table: every page and endpoint, every route and query parameter it reads, each given
/// malformed values (not a number, not an id, a NUL byte, huge, negative, markup, SQL), as anonymous, staff and
/// tenant admin. Nothing may answer with a 5xx.
/// </summary>
public sealed class RouteWalkTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One malformed value of each kind a link or a form may carry.</summary>
    private static readonly string[] BadValues =
    [
        "notaguid", "a\0b", new string('9', 30), "-1", "2026-13-45", new string('x', 5000), "<b>x</b>\"'", "' OR 1=1 --",
    ];

    /// <summary>Bodies a client may post that are not what an endpoint reads.</summary>
    private static readonly string[] BadBodies = ["{", "[]", "{\"x\":\"a\\u0000b\"}", "\0", "null"];

    [Fact]
    public void The_walk_covers_the_pages_and_endpoints_that_read_parameters()
    {
        var routes = Routes();
        // A sanity check that the walk sees the route table (a broken walk would pass vacuously).
        Assert.Contains(routes, r => r.Template == "/ip-reputation" && r.Query.Contains("vps") && r.Query.Contains("stale"));
        Assert.Contains(routes, r => r.Template.Equals("/ip-reputation/{id:guid}", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(routes, r => r.Template == "/tenants/export.csv" && r.Query.Contains("plan"));
        Assert.Contains(routes, r => r.Template == "/api/ip-checks" && r.Methods.Contains("POST"));
        Assert.True(routes.Count >= 30, $"only {routes.Count} routes found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Demo.Admin)]
    [InlineData(Demo.AcmeAdmin)]
    public async Task No_page_or_endpoint_answers_malformed_input_with_a_5xx(string? user)
    {
        var client = user is null ? App.CreateBrowserClient() : await App.SignedInClientAsync(user);
        var failures = new List<string>();
        var sent = 0;
        foreach (var route in Routes())
        {
            foreach (var (method, url, body) in Requests(route))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request, Ct);
                sent++;
                if ((int)response.StatusCode >= 500) failures.Add($"{method} {url} → {(int)response.StatusCode}");
            }
        }
        Assert.True(sent > 300, $"only {sent} requests sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n" + string.Join("\n", failures.Take(40)));
    }

    private sealed record Route(string Template, RoutePattern Pattern, IReadOnlyList<string> Query, IReadOnlyCollection<string> Methods);

    private static IEnumerable<(string Method, string Url, string? Body)> Requests(Route route)
    {
        var methods = route.Methods.Count == 0 ? ["GET"] : route.Methods.Where(m => m is "GET" or "POST").ToArray();
        var routeNames = route.Pattern.Parameters.Select(p => p.Name).ToList();
        var plain = Path(route.Pattern, _ => "00000000-0000-0000-0000-000000000001");
        foreach (var method in methods)
        {
            if (method == "POST")
            {
                foreach (var body in BadBodies) yield return (method, plain, body);
                continue;
            }
            yield return (method, plain, null);
            foreach (var bad in BadValues)
            {
                // Each route value malformed (a constraint may answer 404: fine), then each query parameter alone, then all at once.
                // A NUL byte cannot be in a request path at all (the server refuses it before routing), so route values skip it.
                foreach (var name in routeNames.Where(_ => !bad.Contains('\0')))
                    yield return (method, Path(route.Pattern, p => p == name ? bad : "00000000-0000-0000-0000-000000000001"), null);
                foreach (var name in route.Query)
                    yield return (method, $"{plain}?{name}={Uri.EscapeDataString(bad)}", null);
                if (route.Query.Count > 1)
                    yield return (method, plain + "?" + string.Join("&", route.Query.Select(n => $"{n}={Uri.EscapeDataString(bad)}")), null);
            }
        }
    }

    private static string Path(RoutePattern pattern, Func<string, string> value) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(value(parameter.Name)),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));

    private List<Route> Routes()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        // Pages and endpoint methods; static files and the framework's own endpoints (/_blazor, /_framework) are not ours to walk.
        return endpoints
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null || e.Metadata.GetMetadata<MethodInfo>() is not null)
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.Contains("_blazor") && !raw.Contains("_framework"))
            .Select(e => new Route(
                e.RoutePattern.RawText!.StartsWith('/') ? e.RoutePattern.RawText! : "/" + e.RoutePattern.RawText,
                e.RoutePattern,
                QueryNames(e),
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.ToArray() ?? []))
            .GroupBy(r => (r.Template, string.Join(",", r.Methods)))
            .Select(g => g.First())
            .ToList();
    }

    /// <summary>The query parameters an endpoint reads: a page's [SupplyParameterFromQuery] properties, an endpoint method's simple parameters.</summary>
    private static List<string> QueryNames(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is { } component)
            return component.Type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
                .Where(p => p.Attribute is not null)
                .Select(p => p.Attribute!.Name ?? p.Property.Name)
                .ToList();
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is { } method)
        {
            var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return method.GetParameters()
                .Where(p => p.Name is not null && !routeNames.Contains(p.Name) && IsSimple(p.ParameterType))
                .Select(p => p.Name!)
                .ToList();
        }
        return [];
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t.IsPrimitive || t == typeof(Guid) || t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(decimal);
    }
}
