using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Seeding;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>Platform settings in the browser: edit a JSON value with validation, change a flag's rollout and see the preview; axe.</summary>
public sealed class PlatformTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Admin = "admin@infraadmin.local";

    [Fact]
    public async Task Admin_edits_a_json_value_and_sees_validation_on_bad_json()
    {
        await SignInAsync(Admin);
        var page = new SystemConfigPage(Page);
        await page.GotoAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(page.ValueOf("vps.default_region")).ToHaveTextAsync("\"us-east\"");

        await page.EditAsync("vps.default_region");
        await page.ValueInput.FillAsync("us-west");
        await Assertions.Expect(page.Editor.GetByText("This is not valid JSON")).ToBeVisibleAsync();
        await page.SaveAsync();
        await Assertions.Expect(page.Editor).ToBeVisibleAsync(); // refused: still editing, nothing saved
        await Assertions.Expect(page.ValueOf("vps.default_region")).ToHaveTextAsync("\"us-east\"");

        await page.ValueInput.FillAsync("\"us-west\"");
        await Assertions.Expect(page.Editor.GetByText("This is not valid JSON")).ToHaveCountAsync(0);
        await page.SaveAsync();
        await Assertions.Expect(page.Editor).ToHaveCountAsync(0);
        await Assertions.Expect(page.ValueOf("vps.default_region")).ToHaveTextAsync("\"us-west\"");
        await Assertions.Expect(page.Row("vps.default_region")).ToContainTextAsync(Admin);
        await Assertions.Expect(page.Row("stripe_account_id")).ToContainTextAsync("•••• hidden");
    }

    [Fact]
    public async Task Admin_changes_a_rollout_percentage_and_sees_the_preview_count_change()
    {
        await SignInAsync(Admin);
        var page = new FeatureFlagsPage(Page);
        await page.GotoAsync();
        await WaitForCircuitAsync(Page);
        const string flag = "new-billing-page";

        await page.SetRolloutAsync(flag, 0);
        await Assertions.Expect(page.PreviewCount(flag)).ToContainTextAsync($"In rollout: 0 of {DemoSeeder.TenantCount} tenants (with your unsaved changes)");
        await page.SaveAsync(flag);
        await Assertions.Expect(page.PreviewCount(flag)).ToHaveTextAsync($"In rollout: 0 of {DemoSeeder.TenantCount} tenants");

        await page.SetRolloutAsync(flag, 100);
        await Assertions.Expect(page.PreviewCount(flag)).ToContainTextAsync($"In rollout: {DemoSeeder.TenantCount} of {DemoSeeder.TenantCount} tenants (with your unsaved changes)");
        await page.SaveAsync(flag);
        await Assertions.Expect(page.PreviewCount(flag)).ToHaveTextAsync($"In rollout: {DemoSeeder.TenantCount} of {DemoSeeder.TenantCount} tenants");
        await Assertions.Expect(page.Card(flag)).ToContainTextAsync(Admin);

        await page.ChoosePreviewTenantAsync("Acme Outreach");
        await Assertions.Expect(page.PreviewTenantResult(flag)).ToHaveTextAsync("Acme Outreach is in the rollout.");

    }

    [Fact]
    public async Task Both_platform_pages_pass_axe()
    {
        await SignInAsync(Admin);
        await new SystemConfigPage(Page).GotoAsync();
        await WaitForCircuitAsync(Page);
        await Page.GetByTestId("config-row").First.WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
        await Page.GetByTestId("edit").First.ClickAsync();
        await Page.GetByTestId("config-editor").WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());

        await new FeatureFlagsPage(Page).GotoAsync();
        await WaitForCircuitAsync(Page);
        await Page.GetByTestId("flag-card").First.WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
    }

}
