using System.Net;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// How the app faces the network: which proxies' X-Forwarded-For/-Proto it believes (loopback unless
/// <c>ForwardedHeaders:KnownProxies</c> / <c>ForwardedHeaders:KnownNetworks</c> say otherwise), which Host names it
/// answers (<c>AllowedHosts</c>, plus the host of <c>PublicUrl</c>), no <c>Server</c> header. Such a proxy's
/// X-Forwarded-Host is believed only when it names one of those hosts (redirects then stay on the public address);
/// links in mail never use it: they are built from <c>PublicUrl</c>. It listens where the platform says
/// (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>/<c>_HTTPS_PORTS</c>, <c>Kestrel:Endpoints</c>), and on
/// <see cref="DefaultUrl"/> only when none of them is set.
/// </summary>
public static class Hosting
{
    /// <summary>Where <c>dotnet run</c> serves when nothing names an address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Whether the configuration names the addresses to listen on. <c>WebApplicationBuilder</c> reads <c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>/<c>DOTNET_URLS</c>/<c>URLS</c> into <c>urls</c>, and the <c>*_HTTP_PORTS</c> variables
    /// into <c>http_ports</c>/<c>https_ports</c>.
    /// </summary>
    public static bool NamesListenAddresses(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    public static IServiceCollection AddInfraAdminHosting(this IServiceCollection services, WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // No Urls key in appsettings.json: it would outrank ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS.
        if (!NamesListenAddresses(configuration)) builder.WebHost.UseUrls(DefaultUrl);
        string[] AllowedHosts()
        {
            var hosts = (configuration["AllowedHosts"] ?? "*").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (hosts.Contains("*")) return ["*"];
            return Uri.TryCreate(configuration[PublicLinks.SettingName], UriKind.Absolute, out var publicUrl)
                   && !hosts.Contains(publicUrl.Host, StringComparer.OrdinalIgnoreCase) ? [.. hosts, publicUrl.Host] : hosts;
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            if (AllowedHosts() is var hosts && !hosts.Contains("*")) o.AllowedHosts = hosts;
            foreach (var proxy in List(configuration, "ForwardedHeaders:KnownProxies"))
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                    : throw new ConfigurationProblemException($"ForwardedHeaders:KnownProxies '{proxy}' is not an IP address."));
            foreach (var network in List(configuration, "ForwardedHeaders:KnownNetworks"))
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                    : throw new ConfigurationProblemException($"ForwardedHeaders:KnownNetworks '{network}' is not a network such as 10.0.0.0/8."));
        });
        // The public address's host is always answered, whatever AllowedHosts lists.
        services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = AllowedHosts());
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return services;
    }

    /// <summary>A list setting, as a JSON array or one ';'-separated string (handy in environment variables).</summary>
    private static IEnumerable<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { Length: > 0 } single ? single.Split(';') : section.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }
}
