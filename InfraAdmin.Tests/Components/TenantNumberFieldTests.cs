using InfraAdmin.Components.Shared;
using InfraAdmin.Features.Platform;
using System.Security.Claims;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>The tenant policy numbers and the monthly revenue keep what was typed, say the rule beside the field and block Save.</summary>
public sealed class TenantNumberFieldTests : BunitTest, IClassFixture<IntegrationTest.AppFixture>
{
    private readonly IntegrationTest.AppFixture _fixture;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public TenantNumberFieldTests(IntegrationTest.AppFixture fixture)
    {
        _fixture = fixture;
        var app = fixture.App.Services;
        Services.AddSingleton(app.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>());
        Services.AddSingleton(app.GetRequiredService<PermissionStore>());
        Services.AddSingleton(app.GetRequiredService<IAppEmailSender>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<TenantNotifications>();
        Services.AddScoped<TenantService>();
        Services.AddSingleton(app.GetRequiredService<SystemSettings>());
        Services.AddScoped<UserClock>();
        var auth = AddAuthorization();
        auth.SetAuthorized(Demo.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, SeedIds.For("user:" + Demo.Admin).ToString()));
        auth.SetPolicies(new[] { Permissions.Tenants.View, Permissions.Tenants.Manage }.Select(Policies.For).ToArray());
        SetRendererInfo(new RendererInfo("Server", true));
    }

    public static TheoryData<string, string, string> BadPolicyNumbers()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (field, min, max) in new[]
                 {
                     ("min-length", TenantRules.MinPasswordLength, TenantRules.MaxPasswordLength),
                     ("session-hours", TenantRules.MinSessionHours, TenantRules.MaxSessionHours),
                     ("max-attempts", TenantRules.MinLoginAttempts, TenantRules.MaxLoginAttempts),
                 })
        {
            data.Add(field, "abc", $"A whole number between {min} and {max}");
            data.Add(field, "-5", $"Between {min} and {max}");
            data.Add(field, (min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"Between {min} and {max}");
            data.Add(field, (max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"Between {min} and {max}");
            data.Add(field, "", "Required");
        }
        return data;
    }

    private async Task<(Data.Entities.TenantPolicies Row, uint Version)> PoliciesAsync(Guid tenantId)
    {
        await using var db = _fixture.Database.CreateContext();
        var row = await db.TenantPolicies.AsNoTracking().SingleAsync(p => p.TenantId == tenantId, Ct);
        return (row, row.Version);
    }

    [Theory]
    [MemberData(nameof(BadPolicyNumbers))]
    public async Task A_bad_policy_number_keeps_the_text_shows_the_rule_blocks_save_and_a_valid_one_is_saved_exactly(string field, string typed, string rule)
    {
        var world = await TestTenants.CreateAsync(_fixture.Database, "num");
        var (_, version) = await PoliciesAsync(world.TenantId);
        Render<MudPopoverProvider>();
        var cut = Render<TenantPoliciesEditor>(p => p.Add(x => x.TenantId, world.TenantId));
        cut.WaitForAssertion(() => cut.Find("button[data-testid=save-policies]"), TimeSpan.FromSeconds(30));

        Type(cut, $"input[data-testid={field}]", typed);
        cut.WaitForAssertion(() => Assert.Equal(rule, RuleBeside(cut, field)));
        Assert.Equal(typed, cut.Find($"input[data-testid={field}]").GetAttribute("value") ?? "");
        Assert.True(cut.Find("button[data-testid=save-policies]").HasAttribute("disabled"));
        await SubmitAsync(cut, "form"); // Enter in a field
        Assert.Empty(cut.FindAll("[data-testid=policy-impact]"));
        Assert.Equal(version, (await PoliciesAsync(world.TenantId)).Version);

        // 12 is valid for each of the three and differs from the test tenant's 8 / 8 / 5.
        Type(cut, $"input[data-testid={field}]", "12");
        cut.WaitForAssertion(() => Assert.False(cut.Find("button[data-testid=save-policies]").HasAttribute("disabled")));
        Assert.Null(RuleBeside(cut, field));
        await SubmitAsync(cut, "form");
        if (cut.FindAll("button[data-testid=confirm-policies]").Count > 0) await ClickAsync(cut, "button[data-testid=confirm-policies]"); // stricter: confirm
        var (saved, savedVersion) = await PoliciesAsync(world.TenantId);
        Assert.NotEqual(version, savedVersion);
        Assert.Equal(12, field switch
        {
            "min-length" => saved.PasswordMinLength,
            "session-hours" => saved.SessionTimeoutHours,
            _ => saved.MaxLoginAttempts,
        });
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenEditAsync(Guid tenantId)
    {
        TenantEditForm form;
        await using (var scope = await _fixture.App.ScopeAsAsync(Demo.Admin))
            form = await scope.ServiceProvider.GetRequiredService<TenantService>().GetTenantAsync(tenantId, Ct);
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<TenantEditDialog>("Edit tenant",
            new DialogParameters<TenantEditDialog> { { d => d.TenantId, tenantId }, { d => d.Form, form } }));
        provider.WaitForAssertion(() => provider.Find("input[data-testid=edit-revenue]"));
        return provider;
    }

    private async Task<decimal> RevenueAsync(Guid tenantId)
    {
        await using var db = _fixture.Database.CreateContext();
        return await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.MonthlyRevenue).SingleAsync(Ct);
    }

    public static TheoryData<string, string> BadRevenues() => new()
    {
        { "abc", "Not a valid number" },
        { "-5", "Must be 0 or more" },
        { "100000000", $"At most {TenantRules.MaxMonthlyRevenue:N2}" },
        { "10.005", "At most two decimals" },
        { "", "Required" },
    };

    [Theory]
    [MemberData(nameof(BadRevenues))]
    public async Task A_bad_monthly_revenue_keeps_the_text_shows_the_rule_blocks_save_and_a_valid_one_is_saved_exactly(string typed, string rule)
    {
        var world = await TestTenants.CreateAsync(_fixture.Database, "rev");
        var before = await RevenueAsync(world.TenantId);
        var cut = await OpenEditAsync(world.TenantId);

        Type(cut, "input[data-testid=edit-revenue]", typed);
        cut.WaitForAssertion(() => Assert.Equal(rule, RuleBeside(cut, "edit-revenue")));
        Assert.Equal(typed, cut.Find("input[data-testid=edit-revenue]").GetAttribute("value") ?? "");
        Assert.True(cut.Find("button[data-testid=edit-save]").HasAttribute("disabled"));
        Assert.Equal(before, await RevenueAsync(world.TenantId));

        Type(cut, "input[data-testid=edit-revenue]", "1234.56");
        cut.WaitForAssertion(() => Assert.False(cut.Find("button[data-testid=edit-save]").HasAttribute("disabled")));
        Assert.Null(RuleBeside(cut, "edit-revenue"));
        await ClickAsync(cut, "button[data-testid=edit-save]");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("input[data-testid=edit-revenue]"))); // closed
        Assert.Equal(1234.56m, await RevenueAsync(world.TenantId));
    }
}
