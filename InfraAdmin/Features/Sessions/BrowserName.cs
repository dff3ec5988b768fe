using System.Text.RegularExpressions;

namespace InfraAdmin.Features.Sessions;

/// <summary>A short, human name for a User-Agent string ("Chrome 131 on Linux"), for the list of one's sign-ins.</summary>
public static partial class BrowserName
{
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return "Unknown browser";
        var browser = Browser(userAgent);
        var os = OperatingSystem(userAgent);
        return os is null ? browser : $"{browser} on {os}";
    }

    private static string Browser(string ua)
    {
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
        foreach (var (name, pattern) in Browsers)
        {
            var match = pattern.Match(ua);
            if (match.Success) return $"{name} {match.Groups[1].Value}";
        }
        return "Unknown browser";
    }

    private static string? OperatingSystem(string ua) =>
        ua.Contains("Windows", StringComparison.Ordinal) ? "Windows"
        : ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPad", StringComparison.Ordinal) ? "iOS"
        : ua.Contains("Mac OS X", StringComparison.Ordinal) ? "macOS"
        : ua.Contains("Android", StringComparison.Ordinal) ? "Android"
        : ua.Contains("CrOS", StringComparison.Ordinal) ? "ChromeOS"
        : ua.Contains("Linux", StringComparison.Ordinal) ? "Linux"
        : null;

    private static readonly (string Name, Regex Pattern)[] Browsers =
    [
        ("Edge", EdgePattern()), ("Opera", OperaPattern()), ("Firefox", FirefoxPattern()),
        ("Chrome", ChromePattern()), ("Safari", SafariPattern()),
    ];

    [GeneratedRegex(@"Edg(?:e|A|iOS)?/(\d+)")] private static partial Regex EdgePattern();
    [GeneratedRegex(@"OPR/(\d+)")] private static partial Regex OperaPattern();
    [GeneratedRegex(@"(?:Firefox|FxiOS)/(\d+)")] private static partial Regex FirefoxPattern();
    [GeneratedRegex(@"(?:Chrome|CriOS|HeadlessChrome)/(\d+)")] private static partial Regex ChromePattern();
    [GeneratedRegex(@"Version/(\d+)[^ ]* .*Safari/")] private static partial Regex SafariPattern();
}
