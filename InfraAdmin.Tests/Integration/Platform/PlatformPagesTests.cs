using System.Net;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Platform;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Platform;

/// <summary>The rendered platform pages: no sensitive value in the HTML (or the audit log), and who may open them.</summary>
public sealed class PlatformPagesTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const string StripeSecret = "acct_1NxDemoPlatform7Q";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_sensitive_value_reaches_the_rendered_system_settings_or_the_audit_log()
    {
        const string secret = "\"sk_live_never_in_html_42\"";
        await using (var scope = await App.ScopeAsAsync(Demo.Admin))
        {
            var service = scope.ServiceProvider.GetRequiredService<SystemConfigService>();
            await service.CreateAsync(new ConfigInput { Key = "billing.webhook_secret", Category = "billing", IsSensitive = true, ValueJson = secret }, Ct);
            var row = await service.GetAsync("billing.webhook_secret", Ct);
            await service.UpdateAsync(row!.Key, new ConfigInput { Category = "billing", IsSensitive = true, ValueJson = "\"sk_live_second_never_in_html\"" }, row.Version, Ct);
            await service.RevealAsync(SettingKeys.StripeAccountId, Ct);
            await service.RevealAsync("billing.webhook_secret", Ct);
        }

        var client = await App.SignedInClientAsync(Demo.Admin);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/system", Ct));
        Assert.Contains("stripe_account_id", html);
        Assert.Contains("billing.webhook_secret", html);
        Assert.Contains(SystemConfigService.Hidden, html);
        Assert.Contains("noreply@infraadmin.local", html); // a non-sensitive value is shown
        Assert.DoesNotContain(StripeSecret, html);
        Assert.DoesNotContain("sk_live_", html);

        var search = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/system?q=stripe", Ct));
        Assert.Contains("stripe_account_id", search);
        Assert.DoesNotContain(StripeSecret, search);
        Assert.DoesNotContain("noreply@infraadmin.local", search);

        await using var db = Db.CreateContext();
        var audit = await db.AuditLog.AsNoTracking().ToListAsync(Ct);
        var text = string.Join("\n", audit.Select(a => $"{a.EntityId} {a.Before?.RootElement.GetRawText()} {a.After?.RootElement.GetRawText()}"));
        Assert.DoesNotContain(StripeSecret, text);
        Assert.DoesNotContain("sk_live_", text);
        Assert.Equal(2, audit.Count(a => a.Action == SystemConfigService.RevealAction));
    }

    [Fact]
    public async Task The_flags_page_renders_each_flag_with_its_preview()
    {
        var client = await App.SignedInClientAsync(Demo.Admin);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/feature-flags", Ct));
        foreach (var key in new[] { "smart-warmup", "reply-drafts", "bulk-ip-import", "new-billing-page" }) Assert.Contains(key, html);
        Assert.Contains($"In rollout: {DemoSeeder.TenantCount} of {DemoSeeder.TenantCount} tenants", html); // bulk-ip-import is on at 100%
        Assert.Contains($"In rollout: 0 of {DemoSeeder.TenantCount} tenants", html); // reply-drafts is off
        Assert.Contains(Demo.Admin, html); // who changed it
    }

    [Theory]
    [InlineData(Demo.Ops, "/settings/system")]
    [InlineData(Demo.Support, "/settings/feature-flags")]
    [InlineData(Demo.AcmeAdmin, "/settings/system")]
    public async Task Users_without_the_permission_are_sent_to_access_denied(string email, string path)
    {
        var client = await App.SignedInClientAsync(email);
        var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/AccessDenied", response.Headers.Location!.ToString());
    }
}
