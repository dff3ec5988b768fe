using System.Net;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// How the app faces the network: which proxies' X-Forwarded-For/-Proto it believes (loopback unless
/// <c>ForwardedHeaders:KnownProxies</c> / <c>ForwardedHeaders:KnownNetworks</c> say otherwise), which Host names it
/// answers (<c>AllowedHosts</c>, plus the host of <c>PublicUrl</c>), no <c>Server</c> header. Such a proxy's
/// X-Forwarded-Host is believed only when it names one of those hosts (redirects then stay on the public address);
/// links in mail never use it: they are built from <c>PublicUrl</c>.
/// </summary>
public static class Hosting
{
    public static IServiceCollection AddInfraAdminHosting(this IServiceCollection services, WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
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
