using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Support;

/// <summary>
/// Clients for security tests: cookies kept in a container the test can read and copy (a stolen cookie), no
/// redirects followed, and optionally every request arriving from loopback, so X-Forwarded-* from a "proxy" count.
/// </summary>
public static class Browsers
{
    public static readonly Uri Origin = new("http://localhost/");

    public static HttpClient Client(this WebApplicationFactory<Program> app, CookieContainer cookies, Uri? origin = null) =>
        app.CreateDefaultClient(origin ?? Origin, new CookieContainerHandler(cookies));

    /// <summary>The app as if behind a proxy on this machine: every request's peer is 127.0.0.1 (a trusted proxy).</summary>
    public static WebApplicationFactory<Program> BehindLoopbackProxy(this WebApplicationFactory<Program> app, params (string Key, string Value)[] settings) =>
        app.FromPeer(IPAddress.Loopback, settings);

    /// <summary>The app with every request's peer (the connection's remote address) set to <paramref name="peer"/>.</summary>
    public static WebApplicationFactory<Program> FromPeer(this WebApplicationFactory<Program> app, IPAddress peer, params (string Key, string Value)[] settings) =>
        app.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Peer(peer)));
        });

    /// <summary>The antiforgery token in a page's form.</summary>
    public static string FormToken(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    /// <summary>Opens <paramref name="url"/> for its form token and posts the static form named <paramref name="form"/> there.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string form, params (string Name, string Value)[] fields)
    {
        var values = new Dictionary<string, string> { ["_handler"] = form, ["__RequestVerificationToken"] = FormToken(await client.GetStringAsync(url)) };
        foreach (var (name, value) in fields) values[name] = value;
        return await client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    /// <summary>Posts the login form with extra headers (e.g. X-Forwarded-For from a "proxy"); returns the post's response.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, params (string Name, string Value)[] headers)
    {
        var page = await client.GetStringAsync("/Account/Login");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = FormToken(page), ["Input.Email"] = email, ["Input.Password"] = password,
            }),
        };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await client.SendAsync(request);
    }

    /// <summary>Signs in through the login form; returns the form post's response.</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        InfraAdminFactory.SignInAsync(client, email, password);

    private sealed class Peer(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
