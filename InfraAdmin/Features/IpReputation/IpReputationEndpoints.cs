using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.IpReputation;

public static class IpReputationEndpoints
{
    public const int MaxBodyBytes = 1_000_000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // GET /ip-reputation/export.csv with the page's filters (ip.view).
        endpoints.MapGet("/ip-reputation/export.csv", async (
                string? status, string? reputation, string? region, Guid? vps, string? listed, bool? stale, string? q, bool? trouble,
                int? degraded_within, IpReputationService service, CancellationToken ct) =>
            {
                var filter = new IpFilter(status, reputation, region, vps, listed, stale ?? false, q, trouble ?? false, degraded_within);
                var rows = await service.ExportAsync(filter, ct);
                var file = Csv.Build(
                    ["ip_address", "status", "reputation", "region", "vps", "last_reputation_check", "stale", "assigned_count", "approximate_cost", "listed_on"],
                    rows.Select(r => new object?[] { r.IpAddress, r.Status, r.Reputation, r.Region, r.VpsName, r.LastCheck, r.Stale, r.AssignedCount, r.Cost, string.Join(" ", r.ListedOn) }));
                return Results.File(file, "text/csv; charset=utf-8", $"ip-reputation-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
            })
            .RequireAuthorization(Policies.For(Permissions.Ip.View));

        // POST /api/ip-checks: the platform's checker, authenticated by an API key (not by a cookie).
        endpoints.MapPost("/api/ip-checks", PostChecksAsync).AllowAnonymous().DisableAntiforgery();
    }

    private static async Task<IResult> PostChecksAsync(HttpContext http, ApiKeyService keys, IpCheckService checks, CancellationToken ct)
    {
        var key = await keys.AuthenticateAsync(PresentedKey(http.Request), ct);
        if (key is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(StatusCodes.Status401Unauthorized, "A valid API key is required: 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        }
        var (inputs, parseError) = await ReadBodyAsync(http.Request, ct);
        if (parseError is not null) return Error(StatusCodes.Status400BadRequest, parseError);
        try
        {
            var result = await checks.ApplyFromApiAsync(key, inputs!, ct);
            if (!result.Applied)
                return Results.Json(new
                {
                    error = $"{result.Refused} of {result.Rows.Count} checks were refused; nothing was applied.",
                    refused = result.Rows.Where(r => !r.Accepted).Select(r => new { index = r.Line, ip = r.Ip, provider = r.Provider, message = r.Message }),
                }, statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new { applied = result.Accepted, results = result.Rows.Select(r => new { index = r.Line, ip = r.Ip, message = r.Message }) });
        }
        catch (IpActionException ex)
        {
            return Error(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return auth["Bearer ".Length..].Trim();
        var header = request.Headers["X-Api-Key"].ToString();
        return string.IsNullOrWhiteSpace(header) ? null : header.Trim();
    }

    /// <summary>Reads <c>{"checks": [{"ip", "provider", "listed", "checked_at", "detail"?, "reputation"?}]}</c>.</summary>
    private static async Task<(IReadOnlyList<CheckInput>? Checks, string? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return (null, $"The body is larger than {MaxBodyBytes} bytes.");
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, "Send the checks as application/json.");
        JsonDocument doc;
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (limited.Length + read > MaxBodyBytes) return (null, $"The body is larger than {MaxBodyBytes} bytes.");
                limited.Write(buffer, 0, read);
            }
            doc = JsonDocument.Parse(limited.ToArray());
        }
        catch (JsonException ex)
        {
            return (null, "The body is not valid JSON: " + ex.Message);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("checks", out var array) || array.ValueKind != JsonValueKind.Array)
                return (null, "The body must be an object with a 'checks' array.");
            var list = new List<CheckInput>();
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) return (null, $"checks[{index}] is not an object.");
                if (!item.TryGetProperty("listed", out var listed) || listed.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return (null, $"checks[{index}].listed must be true or false.");
                string? Text(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                foreach (var name in new[] { "ip", "provider", "checked_at" })
                    if (Text(name) is null) return (null, $"checks[{index}].{name} must be a string.");
                list.Add(new CheckInput(Text("ip"), Text("provider"), listed.GetBoolean() ? "true" : "false", Text("checked_at"), Text("detail"), Text("reputation")));
                index++;
            }
            return (list, null);
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
