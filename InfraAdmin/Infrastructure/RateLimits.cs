using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace InfraAdmin.Infrastructure;

/// <summary>One kind of guarded request's limits: attempts per window, per client address and per account.</summary>
public sealed class RateLimit
{
    public int PerClient { get; set; }
    public int PerAccount { get; set; }
    public int WindowSeconds { get; set; } = 60;
    public TimeSpan Window => TimeSpan.FromSeconds(Math.Max(1, WindowSeconds));
}

/// <summary>Configuration section <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sign-in, 2FA and recovery codes, forgot/reset password, invitation acceptance (form posts).</summary>
    public RateLimit SignIn { get; set; } = new() { PerClient = 10, PerAccount = 5, WindowSeconds = 300 };

    /// <summary>The keyed API (<c>/api/*</c>): per client address and per API key, every request, bad keys included.</summary>
    public RateLimit Api { get; set; } = new() { PerClient = 120, PerAccount = 120, WindowSeconds = 60 };
}

/// <summary>
/// ASP.NET Core's rate limiter in front of everything an attacker would hammer: the sign-in family of form posts and
/// the keyed API. Two fixed-window limiters are chained, one partitioned by the client address (the forwarded one from
/// a trusted proxy) and one by the account named in the request (the form's email, the invitation's user, the pending
/// second factor, the API key), so neither many accounts from one client nor many clients on one account get through.
/// A refused request never reaches Identity, so it neither counts towards an account's lockout nor costs a password hash.
/// Limits are per instance (see README, "Security").
/// </summary>
public static class RateLimits
{
    private enum Kind { SignIn, Api }

    private static readonly string[] SignInPosts =
        ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/ForgotPassword", "/Account/ResetPassword", "/tenant/accept-invite"];

    public static IServiceCollection AddInfraAdminRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => KindOf(http) is { } kind
                    ? Partition($"{kind}|client|{ClientOf(http)}", LimitFor(options, kind).PerClient, LimitFor(options, kind).Window)
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http => KindOf(http) is { } kind && AccountOf(http, kind) is { } account
                    ? Partition($"{kind}|account|{account}", LimitFor(options, kind).PerAccount, LimitFor(options, kind).Window)
                    : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = (context, ct) => RejectAsync(context, ct);
        });
        return services;
    }

    /// <summary>Reads a guarded post's form first (the limiter's partitions are synchronous), then applies the limits.</summary>
    public static IApplicationBuilder UseInfraAdminRateLimits(this IApplicationBuilder app)
    {
        app.Use(async (http, next) =>
        {
            if (KindOf(http) == Kind.SignIn && http.Request.HasFormContentType)
            {
                try { await http.Request.ReadFormAsync(http.RequestAborted); }
                catch (InvalidDataException) { /* a malformed form: the page answers it */ }
            }
            await next(http);
        });
        return app.UseRateLimiter();
    }

    private static RateLimit LimitFor(RateLimitOptions options, Kind kind) => kind == Kind.Api ? options.Api : options.SignIn;

    private static RateLimitPartition<string> Partition(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits), Window = window, QueueLimit = 0, AutoReplenishment = true,
        });

    private static Kind? KindOf(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/api")) return Kind.Api;
        if (HttpMethods.IsPost(http.Request.Method) && SignInPosts.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase))) return Kind.SignIn;
        return null;
    }

    private static string ClientOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The account a guarded request is about, or null when it names none.</summary>
    private static string? AccountOf(HttpContext http, Kind kind)
    {
        if (kind == Kind.Api)
        {
            var key = http.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : http.Request.Headers["X-Api-Key"].ToString();
            return key.Length == 0 ? null : "key:" + Hash(key);
        }
        if (http.Request.HasFormContentType && http.Request.Form.TryGetValue("Input.Email", out var email) && email.ToString().Trim() is { Length: > 0 } e)
            return "email:" + Hash(e.ToUpperInvariant());
        if (http.Request.Query.TryGetValue("userId", out var userId) && userId.ToString() is { Length: > 0 } u)
            return "user:" + Hash(u.ToUpperInvariant());
        // The second step of a sign-in: the pending user is in Identity's two-factor cookie.
        if (http.Request.Cookies.TryGetValue(".AspNetCore." + Microsoft.AspNetCore.Identity.IdentityConstants.TwoFactorUserIdScheme, out var pending) && pending is { Length: > 0 })
            return "2fa:" + Hash(pending);
        return null;
    }

    private static string Hash(string value) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value.Length > 1024 ? value[..1024] : value)), 0, 16);

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many attempts. Try again in {Wait(seconds)}.";
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits))
            .LogWarning("Rate limit reached for {Method} {Path} from {Client}", http.Request.Method, http.Request.Path.Value, ClientOf(http));
        if (KindOf(http) == Kind.Api)
        {
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: message,
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many attempts · InfraAdmin</title>" +
            "<link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main class=\"account-page\"><h1>Too many attempts</h1>" +
            $"<p data-testid=\"rate-limited\">{message}</p><p><a href=\"/Account/Login\">Back to sign-in</a></p></main></body></html>", ct);
    }

    private static string Wait(int seconds) => seconds < 120
        ? $"{seconds} second{(seconds == 1 ? "" : "s")}"
        : $"{(int)Math.Ceiling(seconds / 60.0)} minutes";
}
