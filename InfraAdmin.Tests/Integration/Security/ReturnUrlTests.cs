using System.Net;
using InfraAdmin.Components.Account;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>A sign-in with an off-site or malformed ReturnUrl lands on the home page: no open redirect, no 500.</summary>
public sealed class ReturnUrlTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    public static TheoryData<string> BadReturnUrls =>
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "http://localhost///evil.example",
        "\0",
        "javascript:alert(1)",
        "/" + new string('a', 5000),
    ];

    [Theory]
    [MemberData(nameof(BadReturnUrls))]
    public async Task A_bad_return_url_lands_on_the_home_page(string returnUrl)
    {
        var client = App.CreateBrowserClient();
        var response = await InfraAdminFactory.SignInAsync(client, Demo.Admin, Data.Seeding.DemoSeeder.DemoPassword, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = new Uri(Browsers.Origin, response.Headers.Location!);
        Assert.Equal("http://localhost/", location.AbsoluteUri);
    }

    [Fact]
    public async Task A_local_return_url_is_followed()
    {
        var client = App.CreateBrowserClient();
        var response = await InfraAdminFactory.SignInAsync(client, Demo.Admin, Data.Seeding.DemoSeeder.DemoPassword, "/vps?q=web");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/vps?q=web", new Uri(Browsers.Origin, response.Headers.Location!).AbsoluteUri);
    }

    [Theory]
    [InlineData("Account/LoginWith2fa?returnUrl=%2Fvps", "Account/LoginWith2fa?returnUrl=%2Fvps")]
    [InlineData("http://localhost/tenants", "tenants")]
    [InlineData("/audit", "/audit")]
    [InlineData("https://evil.example/", "")]
    [InlineData("HTTPS:evil.example", "")]
    [InlineData("/\\evil.example", "")]
    public void Local_path_keeps_only_addresses_inside_the_site(string uri, string expected) =>
        Assert.Equal(expected, IdentityRedirectManager.LocalPath(uri, "http://localhost/"));
}
