using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>Reads .eml files from a pickup folder: headers plus the decoded body; finds links in them.</summary>
public static class MailFiles
{
    public static IReadOnlyList<string> InFolder(string folder, string to)
    {
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder, "*.eml").OrderBy(File.GetLastWriteTimeUtc).Select(Decode)
            .Where(text => text.Contains($"To: {to}\r\n", StringComparison.OrdinalIgnoreCase)).ToList();
    }

    public static string Decode(string path)
    {
        var raw = File.ReadAllText(path);
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) return raw;
        var headers = raw[..(split + 2)];
        var body = raw[(split + 4)..];
        if (headers.Contains("Content-Transfer-Encoding: base64", StringComparison.OrdinalIgnoreCase))
            body = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c)))));
        else if (headers.Contains("quoted-printable", StringComparison.OrdinalIgnoreCase))
            body = System.Text.RegularExpressions.Regex.Replace(body.Replace("=\r\n", ""), "=([0-9A-F]{2})",
                m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        return headers + "\r\n" + body;
    }

    /// <summary>The first link in a mail, HTML-decoded (links may be encoded twice).</summary>
    public static string FirstLink(string mail)
    {
        var href = Regex.Match(mail, "href=(['\"])(.+?)\\1").Groups[2].Value;
        for (var i = 0; i < 3; i++) href = WebUtility.HtmlDecode(href);
        return href;
    }
}
