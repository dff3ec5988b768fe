using System.Text.Json;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Tests.Unit.Shared;

/// <summary>One https rule for every user-supplied link: a tenant's logo and favicon, and the alert webhook setting.</summary>
public sealed class HttpsUrlTests
{
    [Theory]
    [InlineData("https://hooks.example.com/infraadmin", true)]
    [InlineData("https://hooks.example.com:8443/x?y=1", true)]
    [InlineData("https://cdn.example.com/logo.png", true)]
    [InlineData("http://cdn.example.com/logo.png", false)]
    [InlineData("data:image/png;base64,AAAA", false)]
    [InlineData("/assets/logo.png", false)]
    [InlineData("http://hooks.example.com/infraadmin", false)]
    [InlineData("https://hooks.example.com:99999/x", false)] // the old webhook pattern took it; Uri cannot
    [InlineData("https://", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative", false)]
    [InlineData("https://a\0b.example.com/", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_what_can_be_called_is_a_url(string? value, bool valid)
    {
        Assert.Equal(valid, HttpsUrl.IsValid(value));
        Assert.Equal(valid, HttpsUrl.Parse(value) is not null);
    }

    [Theory]
    [InlineData("https://hooks.example.com/")]
    [InlineData("https://cdn.example.com/")]
    public void A_url_has_at_most_500_characters(string start)
    {
        Assert.True(HttpsUrl.IsValid(start + new string('a', 500 - start.Length)));
        Assert.False(HttpsUrl.IsValid(start + new string('a', 501 - start.Length)));
    }

    [Theory]
    [InlineData("https://hooks.example.com/infraadmin", true)]
    [InlineData("https://hooks.example.com:99999/x", false)]
    [InlineData("http://hooks.example.com/infraadmin", false)]
    public void The_webhook_setting_accepts_exactly_what_the_sender_will_post_to(string url, bool valid)
    {
        var error = SettingCatalog.ValueError(SettingKeys.AlertsWebhookUrl, JsonSerializer.Serialize(url));
        Assert.Equal(valid, error is null);
        Assert.Equal(valid, HttpsUrl.Parse(url) is not null);
    }

    [Fact]
    public void A_webhook_url_past_the_limit_is_refused_with_the_limit_named()
    {
        var url = "https://hooks.example.com/" + new string('a', HttpsUrl.MaxLength);
        var error = SettingCatalog.ValueError(SettingKeys.AlertsWebhookUrl, JsonSerializer.Serialize(url));
        Assert.Contains("500", error);
    }
}
