using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.IpReputation;

public static class IpReputationEndpoints
{
    /// <summary>The default for <c>Api:MaxBodyBytes</c>, the largest body POST /api/ip-checks reads (about 5,000 checks).</summary>
    public const int DefaultMaxBodyBytes = 1_000_000;

    public static void MapIpReputationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // GET /ip-reputation/export.csv with the page's filters (ip.view).
        endpoints.MapGet("/ip-reputation/export.csv", async (
                string? status, string? reputation, string? region, string? vps, string? listed, string? stale, string? q, string? trouble,
                string? degraded_within, IpReputationService service, SystemSettings settings, TimeProvider clock, CancellationToken ct) =>
            {
                var f = new QueryFilters();
                var filter = IpFilter.FromQuery(f, status, reputation, region, vps, listed, stale, q, trouble, degraded_within);
                if (f.BadRequest() is { } bad) return bad;
                var rows = await service.ExportAsync(filter, ct);
                var c = await settings.CurrencyAsync(ct);
                var file = Csv.Build(
                    ["ip_address", "status", "reputation", "region", "vps", "last_reputation_check", "stale", "assigned_count", Csv.Money("approximate_cost", c), "listed_on"],
                    rows.Select(r => new object?[] { r.IpAddress, r.Status, r.Reputation, r.Region, r.VpsName, r.LastCheck, r.Stale, r.AssignedCount, r.Cost, string.Join(" ", r.ListedOn) }));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("ip-reputation", clock));
            })
            .RequireAuthorization(Policies.IpView);

        // POST /api/ip-checks: the platform's checker, authenticated by an API key (not by a cookie).
        endpoints.MapPost("/api/ip-checks", PostChecksAsync).AllowAnonymous().DisableAntiforgery();
        // Any other method is 405 with Allow: POST, not the sign-in redirect the cookie fallback would give.
        endpoints.MapMethods("/api/ip-checks", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], (HttpContext http) =>
            {
                http.Response.Headers.Allow = HttpMethods.Post;
                return Error(StatusCodes.Status405MethodNotAllowed, "Only POST is allowed on /api/ip-checks.");
            })
            .AllowAnonymous();
    }

    private static async Task<IResult> PostChecksAsync(HttpContext http, ApiKeyService keys, IpCheckService checks, IConfiguration config, CancellationToken ct)
    {
        var maxBytes = config.GetValue<int?>("Api:MaxBodyBytes") ?? DefaultMaxBodyBytes;
        if (http.Request.ContentLength > maxBytes) return TooLarge(maxBytes); // refused before anything is read
        var key = await keys.AuthenticateAsync(PresentedKey(http.Request), ct);
        if (key is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(StatusCodes.Status401Unauthorized, "A valid API key is required: 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        }
        var (inputs, tooLarge, parseError) = await ReadBodyAsync(http.Request, maxBytes, ct);
        if (tooLarge) return TooLarge(maxBytes);
        if (parseError is not null) return Error(StatusCodes.Status400BadRequest, parseError);
        return await OperationProblems.RunAsync(async () =>
        {
            var result = await checks.ApplyFromApiAsync(key, inputs!, ct);
            if (!result.Applied)
                return Results.Json(new
                {
                    error = $"{result.Refused} of {result.Rows.Count} checks were refused; nothing was applied.",
                    refused = result.Rows.Where(r => !r.Accepted).Select(r => new { index = r.Line, ip = r.Ip, provider = r.Provider, message = r.Message }),
                }, statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new { applied = result.Accepted, results = result.Rows.Select(r => new { index = r.Line, ip = r.Ip, message = r.Message }) });
        }, ex => Error(OperationProblems.StatusFor(ex), ex.Message)); // this API answers {"error": ...}, not ProblemDetails
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return auth["Bearer ".Length..].Trim();
        var header = request.Headers["X-Api-Key"].ToString();
        return string.IsNullOrWhiteSpace(header) ? null : header.Trim();
    }

    /// <summary>Reads <c>{"checks": [{"ip", "provider", "listed", "checked_at", "detail"?, "reputation"?}]}</c>.</summary>
    private static async Task<(IReadOnlyList<CheckInput>? Checks, bool TooLarge, string? Error)> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, false, "Send the checks as application/json.");
        JsonDocument doc;
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (limited.Length + read > maxBytes) return (null, true, null);
                limited.Write(buffer, 0, read);
            }
            doc = JsonDocument.Parse(limited.ToArray());
        }
        catch (JsonException ex)
        {
            return (null, false, "The body is not valid JSON: " + ex.Message);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("checks", out var array) || array.ValueKind != JsonValueKind.Array)
                return (null, false, "The body must be an object with a 'checks' array.");
            var list = new List<CheckInput>();
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) return (null, false, $"checks[{index}] is not an object.");
                if (!item.TryGetProperty("listed", out var listed) || listed.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return (null, false, $"checks[{index}].listed must be true or false.");
                string? Text(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                foreach (var name in new[] { "ip", "provider", "checked_at" })
                    if (Text(name) is null) return (null, false, $"checks[{index}].{name} must be a string.");
                foreach (var name in new[] { "ip", "provider", "checked_at", "detail", "reputation" })
                    if (Text(name)?.Contains('\0') == true) return (null, false, $"checks[{index}].{name} contains a NUL character.");
                list.Add(new CheckInput(Text("ip"), Text("provider"), listed.GetBoolean() ? "true" : "false", Text("checked_at"), Text("detail"), Text("reputation")));
                index++;
            }
            return (list, false, null);
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {maxBytes} bytes (Api:MaxBodyBytes); send the checks in smaller batches.");

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
