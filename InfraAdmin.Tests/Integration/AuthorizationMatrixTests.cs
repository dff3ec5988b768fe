using System.Net;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration;

/// <summary>Every route of docs/DESIGN.md × every demo user: allowed (200) or sent to access denied, as the route table says.</summary>
public sealed class AuthorizationMatrixTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const string A = Demo.Admin, O = Demo.Ops, E = Demo.Exec, S = Demo.Support, TA = Demo.AcmeAdmin, TM = Demo.AcmeMember;

    private static readonly (string Route, string[] Allowed)[] Routes =
    [
        ("/", [A, O, E, S, TA, TM]),
        ("/ip-reputation", [A, O, E, S]),
        ($"/ip-reputation/{Demo.FirstIp}", [A, O, E, S]),
        ("/vps", [A, O, E, S]),
        ($"/vps/{Demo.FirstVps}", [A, O, E, S]),
        ("/costs", [A, E]),
        ($"/costs/tenants/{Demo.AcmeTenant}", [A, E]),
        ("/staff", [A]),
        ("/staff/roles", [A]),
        ("/staff/roles/1", [A]),
        ("/settings/system", [A]),
        ("/settings/feature-flags", [A]),
        ("/settings/jobs", [A]),
        ("/settings/api-keys", [A]),
        ("/tenants", [A, S]),
        ($"/tenants/{Demo.AcmeTenant}/settings", [A, S]),
        ($"/tenants/{Demo.AcmeTenant}/policies", [A, S]),
        ("/tenant/settings", [TA]),
        ("/tenant/policies", [TA]),
        ("/tenant/members", [TA]),
        ("/tenant/invite", [TA, TM]),
        ("/account/preferences", [A, O, E, S, TA, TM]),
        ("/audit", [A, O]),
        ("/alerts", [A, O, E, S]),
    ];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var (route, _) in Routes)
            foreach (var user in Demo.AllUsers) data.Add(route, user);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_is_allowed_or_denied_as_the_route_table_says(string route, string user)
    {
        var allowed = Routes.Single(r => r.Route == route).Allowed.Contains(user);
        var client = await SessionFor(user);
        var response = await client.GetAsync(route, TestContext.Current.CancellationToken);
        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/AccessDenied", response.Headers.Location!.ToString());
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/audit")]
    [InlineData("/tenant/settings")]
    [InlineData("/audit/export.csv")]
    public async Task Anonymous_users_are_sent_to_sign_in(string route)
    {
        var response = await App.CreateBrowserClient().GetAsync(route, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Unknown_permission_policies_deny()
    {
        var provider = new InfraAdmin.Authorization.PermissionPolicyProvider(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.AspNetCore.Authorization.AuthorizationOptions()));
        Assert.Null(await provider.GetPolicyAsync("Permission:does.not.exist"));
        Assert.NotNull(await provider.GetPolicyAsync("Permission:ip.view"));
    }

    private static readonly Dictionary<string, HttpClient> Sessions = [];
    private static readonly SemaphoreSlim SessionLock = new(1, 1);

    private async Task<HttpClient> SessionFor(string user)
    {
        await SessionLock.WaitAsync();
        try
        {
            var key = Db.Name + user;
            if (!Sessions.TryGetValue(key, out var client)) Sessions[key] = client = await App.SignedInClientAsync(user);
            return client;
        }
        finally
        {
            SessionLock.Release();
        }
    }
}
