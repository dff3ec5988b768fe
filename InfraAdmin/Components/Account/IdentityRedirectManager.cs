using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using InfraAdmin.Data.Entities;

namespace InfraAdmin.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    /// <summary>Longer return addresses are not followed (a sign-in then lands on the home page).</summary>
    public const int MaxReturnUrlLength = 2000;

    public void RedirectTo(string? uri) => navigationManager.NavigateTo(LocalPath(uri, navigationManager.BaseUri));

    /// <summary>
    /// The base-relative path to redirect to: a root-relative or base-relative path, or an absolute address inside
    /// this site. Anything else (another site, a protocol-relative or backslash address, another scheme, control
    /// characters, an over-long value) gives "" (the home page), so a crafted ReturnUrl never leaves the site or fails.
    /// </summary>
    internal static string LocalPath(string? uri, string baseUri)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > MaxReturnUrlLength || uri.Any(char.IsControl) || uri.Contains('\\'))
            return "";
        if (uri.StartsWith('/'))
            return uri.StartsWith("//", StringComparison.Ordinal) ? "" : uri;
        if (uri.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase))
            return LocalPath(uri[baseUri.Length..], baseUri) is var rest && rest.Length > 0 ? rest : "";
        // A relative path has no scheme: "javascript:", "https:" and the like are refused.
        var firstSlash = uri.IndexOf('/');
        var colon = uri.IndexOf(':');
        if (colon >= 0 && (firstSlash < 0 || colon < firstSlash))
            return "";
        return Uri.IsWellFormedUriString(uri, UriKind.Relative) ? uri : "";
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<AppUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
