using System.Net;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Tests.Integration;

/// <summary>The staff, tenant and member lists export what they show (their filters), only to those who may see the list.</summary>
public sealed class ListExportTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Lines(string csv) => csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task The_staff_csv_follows_the_search_and_role_and_needs_staff_view()
    {
        await using var db = Db.CreateContext();
        var staff = await db.StaffMembers.AsNoTracking().Select(s => new { s.User!.Email, s.RoleId }).ToListAsync(Ct);
        using var admin = await App.SignedInClientAsync(Demo.Admin);

        var all = Lines(await admin.GetStringAsync("/staff/export.csv", Ct));
        Assert.Equal("user_id,email,name,role,status,locked_out,added,last_sign_in,notes", all[0]);
        Assert.Equal(staff.Count, all.Length - 1);

        var role = staff.First(s => s.Email == Demo.Ops).RoleId;
        var byRole = Lines(await admin.GetStringAsync($"/staff/export.csv?role={role}", Ct));
        Assert.Equal(staff.Count(s => s.RoleId == role), byRole.Length - 1);
        Assert.Contains(byRole, l => l.Contains(Demo.Ops));

        var searched = Lines(await admin.GetStringAsync("/staff/export.csv?q=exec", Ct));
        Assert.Equal(Demo.Exec, searched[1].Split(',')[1]);
        Assert.Equal(2, searched.Length);

        using var tenantAdmin = await App.SignedInClientAsync(Demo.AcmeAdmin);
        Assert.NotEqual(HttpStatusCode.OK, (await tenantAdmin.GetAsync("/staff/export.csv", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_tenant_csv_follows_the_filters_and_needs_tenants_view()
    {
        await using var db = Db.CreateContext();
        var tenants = await db.Tenants.AsNoTracking().Select(t => new { t.Name, t.Plan, t.Status }).ToListAsync(Ct);
        using var admin = await App.SignedInClientAsync(Demo.Admin);

        var all = Lines(await admin.GetStringAsync("/tenants/export.csv", Ct));
        Assert.Equal("id,name,slug,plan,status,monthly_revenue_usd,users,domains", all[0]);
        Assert.Equal(tenants.Count, all.Length - 1);
        var plan = tenants[0].Plan!;
        Assert.Equal(tenants.Count(t => t.Plan == plan), Lines(await admin.GetStringAsync($"/tenants/export.csv?plan={plan}", Ct)).Length - 1);
        var acme = Lines(await admin.GetStringAsync("/tenants/export.csv?q=acme", Ct));
        Assert.Equal(2, acme.Length);
        Assert.Equal(Demo.AcmeTenant.ToString(), acme[1].Split(',')[0]);

        using var tenantAdmin = await App.SignedInClientAsync(Demo.AcmeAdmin);
        Assert.NotEqual(HttpStatusCode.OK, (await tenantAdmin.GetAsync("/tenants/export.csv", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_members_csv_is_the_admins_own_tenant_only()
    {
        await using var db = Db.CreateContext();
        var acme = await db.Users.AsNoTracking().Where(u => u.TenantId == Demo.AcmeTenant).Select(u => u.Email!).ToListAsync(Ct);
        using var acmeAdmin = await App.SignedInClientAsync(Demo.AcmeAdmin);
        var lines = Lines(await acmeAdmin.GetStringAsync("/tenant/members/export.csv", Ct));
        Assert.Equal("user_id,email,name,role,status,accepted,two_factor,last_sign_in,locked_out", lines[0]);
        Assert.Equal(acme.Order(), lines.Skip(1).Select(l => l.Split(',')[1]).Order());

        using var member = await App.SignedInClientAsync(Demo.AcmeMember);
        Assert.NotEqual(HttpStatusCode.OK, (await member.GetAsync("/tenant/members/export.csv", Ct)).StatusCode);
        using var staff = await App.SignedInClientAsync(Demo.Admin);
        Assert.NotEqual(HttpStatusCode.OK, (await staff.GetAsync("/tenant/members/export.csv", Ct)).StatusCode);
    }
}
