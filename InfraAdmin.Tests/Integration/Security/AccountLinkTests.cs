using System.Net;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>Account pages opened out of order or from a junk link never answer 500.</summary>
public sealed class AccountLinkTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/Account/LoginWith2fa")]
    [InlineData("/Account/LoginWith2fa?returnUrl=%2Fvps&rememberMe=true")]
    [InlineData("/Account/LoginWithRecoveryCode")]
    public async Task A_second_step_without_the_first_starts_the_sign_in_again(string url)
    {
        var response = await App.CreateBrowserClient().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", new Uri(Browsers.Origin, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_malformed_reset_link_says_it_is_invalid()
    {
        var client = App.CreateBrowserClient();
        var response = await client.GetAsync("/Account/ResetPassword?code=!!!", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = new Uri(Browsers.Origin, response.Headers.Location!);
        Assert.Equal("/Account/InvalidPasswordReset", target.AbsolutePath);
        Assert.Contains("This link is invalid or has expired.", await client.GetStringAsync(target, Ct));
    }

    [Theory]
    [InlineData("/Account/ConfirmEmail?userId=notaguid&code=x")]
    [InlineData("/Account/ConfirmEmail?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=!!!")]
    [InlineData("/Account/ConfirmEmail?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=eA")]
    [InlineData("/Account/ConfirmEmail?userId=a%00b&code=x")]
    public async Task A_malformed_confirmation_link_says_it_is_invalid(string url)
    {
        var response = await App.CreateBrowserClient().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This link is invalid or has expired.", await response.Content.ReadAsStringAsync(Ct));
    }
}
