using System.Net;
using System.Text.RegularExpressions;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>two_factor_required: the tenant's users enrol an authenticator app before anything else, then sign in with a code.</summary>
public sealed class TwoFactorEnforcementTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_member_must_enrol_first_and_then_signs_in_with_a_code()
    {
        var world = await TestTenants.CreateAsync(Db, "tfa", p => p.TwoFactorRequired = true);
        var client = await App.SignedInClientAsync(world.Member, TestTenants.Password);

        var home = await client.GetAsync("/tenant/invite", Ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/account/two-factor?returnUrl=%2Ftenant%2Finvite", home.Headers.Location!.OriginalString);

        var page = await client.GetStringAsync("/account/two-factor", Ct);
        Assert.Contains("otpauth://totp/InfraAdmin:", WebUtility.HtmlDecode(page));
        Assert.Contains("data:image/svg+xml;base64,", WebUtility.HtmlDecode(page));
        var key = Regex.Match(page, "data-testid=\"shared-key\">([a-z0-9 ]+)<").Groups[1].Value;
        var again = await client.GetAsync("/account/preferences", Ct);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/account/two-factor", again.Headers.Location!.OriginalString);

        var wrong = await PostCodeAsync(client, page, "000000");
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(Ct));
        var ok = await PostCodeAsync(client, page, Totp.Code(key));
        Assert.Contains("data-testid=\"recovery-codes\"", await ok.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/preferences", Ct)).StatusCode);

        await using (var db = Db.CreateContext())
            Assert.True(await db.Users.Where(u => u.Id == world.MemberId).Select(u => u.TwoFactorEnabled).SingleAsync(Ct));

        var next = App.CreateBrowserClient();
        var signIn = await InfraAdminFactory.SignInAsync(next, world.Member, TestTenants.Password);
        Assert.Contains("Account/LoginWith2fa", signIn.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Until_enrolled_no_page_export_or_service_answers_not_even_the_not_found_page()
    {
        var world = await TestTenants.CreateAsync(Db, "tfagate", p => p.TwoFactorRequired = true);
        var client = await App.SignedInClientAsync(world.Admin, TestTenants.Password);
        foreach (var path in new[] { "/tenant/members/export.csv", "/tenant/members", "/tenant/policies", "/not-found", "/Error", "/", "/account/sessions" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path} answered {(int)response.StatusCode}");
            Assert.StartsWith("/account/two-factor?returnUrl=", response.Headers.Location!.OriginalString);
        }
        // Inside an open circuit the services refuse too: the user could not turn the requirement off.
        await using var scope = await App.ScopeAsAsync(world.Admin);
        await Assert.ThrowsAsync<InfraAdmin.Authorization.PermissionDeniedException>(() =>
            scope.ServiceProvider.GetRequiredService<InfraAdmin.Features.Tenants.MembersService>().ListAsync(1, 10, Ct));
        await Assert.ThrowsAsync<InfraAdmin.Authorization.PermissionDeniedException>(() =>
            scope.ServiceProvider.GetRequiredService<InfraAdmin.Features.Tenants.TenantService>().GetPoliciesAsync(null, Ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/two-factor", Ct)).StatusCode);
    }

    [Fact]
    public async Task Users_of_a_tenant_without_the_policy_are_not_stopped_and_see_the_tenant_favicon()
    {
        var world = await TestTenants.CreateAsync(Db, "notfa");
        await using (var db = Db.CreateContext())
            await db.TenantConfigs.Where(c => c.TenantId == world.TenantId).ExecuteUpdateAsync(s => s.SetProperty(c => c.ThemeFaviconUrl, "https://cdn.example.com/f.ico"), Ct);
        var probe = await App.SignedInClientAsync(world.Member, TestTenants.Password);
        var html = await probe.GetStringAsync("/account/preferences", Ct);
        Assert.Contains("<link rel=\"icon\" href=\"https://cdn.example.com/f.ico\" data-testid=\"tenant-favicon\" />", html); // the tenant's favicon
    }

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string page, string code)
    {
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/account/two-factor", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "enable-2fa", ["__RequestVerificationToken"] = token, ["Input.Code"] = code,
        }));
    }
}
