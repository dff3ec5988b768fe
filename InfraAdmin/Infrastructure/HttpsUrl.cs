namespace InfraAdmin.Infrastructure;

/// <summary>
/// The one rule for a user-supplied link the app will load or call (a tenant's logo and favicon, the alert webhook): an
/// absolute https URL with a host, at most <see cref="MaxLength"/> characters. javascript:, data:, http: and relative
/// URLs are refused, and so is anything <see cref="Uri"/> cannot parse (a port past 65535, say), so what a form or a
/// setting accepted is what the page or the sender can use.
/// </summary>
public static class HttpsUrl
{
    public const int MaxLength = 500;

    public static bool IsValid(string? value) => Parse(value) is not null;

    /// <summary>The URL, or null when <paramref name="value"/> is not a valid one.</summary>
    public static Uri? Parse(string? value) =>
        value is { Length: > 0 and <= MaxLength } && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host) ? uri : null;
}
