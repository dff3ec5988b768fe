using Microsoft.Extensions.DependencyInjection;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Components.Layout;

namespace InfraAdmin.Tests.Components;

/// <summary>The nav shows exactly the areas whose policy the user satisfies.</summary>
public sealed class NavMenuTests : BunitTest
{
    private IReadOnlyList<string> LinksFor(params string[] policies)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.local");
        auth.SetPolicies(policies);
        var cut = Render<NavMenu>();
        return cut.FindAll("a").Select(a => a.GetAttribute("href") ?? "").ToList();
    }

    [Fact]
    public void Support_sees_ip_vps_and_tenants_only()
    {
        var links = LinksFor(Policies.For(Permissions.Ip.View), Policies.For(Permissions.Vps.View), Policies.For(Permissions.Tenants.View));
        Assert.Equal(["", "ip-reputation", "vps", "tenants", "account", "account/preferences", "account/sessions"], links);
    }

    [Fact]
    public void A_tenant_member_who_may_invite_sees_invite_but_no_staff_area()
    {
        var links = LinksFor(Policies.TenantInvite);
        Assert.Equal(["", "tenant/invite", "account", "account/preferences", "account/sessions"], links);
    }

    [Fact]
    public void Every_area_appears_for_a_user_with_every_policy()
    {
        var all = NavItems.All.Select(i => i.Policy).Distinct().ToArray();
        var links = LinksFor(all);
        Assert.Equal(NavItems.All.Count + 4, links.Count); // with Overview, Account, Preferences and Your sign-ins
        Assert.Contains("audit", links);
        Assert.Contains("settings/api-keys", links);
    }

    [Fact]
    public void Group_headings_appear_only_over_visible_links()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("exec@test.local");
        auth.SetPolicies(Policies.For(Permissions.Costs.View));
        var cut = Render<NavMenu>();
        Assert.Contains("Business", cut.Markup);
        Assert.DoesNotContain("Administration", cut.Markup);
        Assert.DoesNotContain("Infrastructure", cut.Markup);
    }

    [Fact]
    public void The_current_area_is_marked_active_and_follows_navigation()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("ops@test.local");
        auth.SetPolicies(Policies.For(Permissions.Ip.View), Policies.For(Permissions.Vps.View));
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("ip-reputation/5f0c?tab=1");
        var cut = Render<NavMenu>();
        string[] Active() => cut.FindAll("a[aria-current=page]").Select(a => a.GetAttribute("href") ?? "").ToArray();
        Assert.Equal(["ip-reputation"], Active()); // an IP below the area, with a query
        Assert.Contains("active", cut.Find("a[href=ip-reputation]").ClassList);

        nav.NavigateTo("vps");
        cut.WaitForAssertion(() => Assert.Equal(["vps"], Active()));
        nav.NavigateTo("account/preferences");
        cut.WaitForAssertion(() => Assert.Equal(["account/preferences"], Active())); // not "account" (exact)
        nav.NavigateTo("");
        cut.WaitForAssertion(() => Assert.Equal([""], Active()));
    }
}
