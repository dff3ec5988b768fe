using Microsoft.AspNetCore.WebUtilities;

namespace InfraAdmin.Infrastructure;

/// <summary>A setting the app cannot start without is missing or malformed; the message says which and how to fix it.</summary>
public sealed class ConfigurationProblemException(string message) : Exception(message);

/// <summary>
/// Builds every link that leaves the app (password reset, invitations, email verification, notifications, reports)
/// from the configured <c>PublicUrl</c>, never from the request: a forged <c>Host</c> or <c>X-Forwarded-Host</c> cannot
/// send a reset link to another site.
/// </summary>
public sealed class PublicLinks
{
    public const string SettingName = "PublicUrl";

    public PublicLinks(IConfiguration configuration)
    {
        var value = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(value))
            throw new ConfigurationProblemException($"{SettingName} is not set. Set it to the address people open the console at, e.g. {SettingName}=https://admin.example.com (environment: {SettingName}=...).");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new ConfigurationProblemException($"{SettingName} '{value}' is not an absolute http(s) address without query or fragment, e.g. https://admin.example.com.");
        Base = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    /// <summary>The public base address, ending in a slash.</summary>
    public Uri Base { get; }

    /// <summary>An absolute link to <paramref name="path"/> (relative to the base) with the query values URL-encoded.</summary>
    public string To(string path, IReadOnlyDictionary<string, string?>? query = null)
    {
        var url = new Uri(Base, path.TrimStart('/')).AbsoluteUri;
        return query is null ? url : QueryHelpers.AddQueryString(url, query);
    }
}
