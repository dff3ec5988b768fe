using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Seeding;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>The VPS fleet in the browser: ops schedules a decommission and sees the saving and the audit row; exec only looks.</summary>
public sealed class VpsTests(E2EFixture fixture) : E2ETest(fixture)
{
    private static readonly Guid Aps4001 = SeedIds.For("vps:hw-aps-4001");

    [Fact]
    public async Task Ops_schedules_a_decommission_and_sees_the_saving_and_the_audit_row()
    {
        await SignInAsync(DemoSeeder.Accounts.Ops);
        var fleet = new VpsFleetPage(Page);
        await fleet.GotoAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(fleet.SavingsValue).ToHaveTextAsync("USD 40.00");

        var detail = new VpsDetailPageObject(Page);
        await detail.GotoAsync(Aps4001);
        await WaitForCircuitAsync(Page);
        await detail.ScheduleButton.ClickAsync();
        await Assertions.Expect(detail.Saving).ToContainTextAsync("Saves USD 44.00 a month");
        await Page.GetByTestId("decommission-dismiss").ClickAsync();
        await detail.Dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await detail.ScheduleAtDefaultDateAsync();
        await Assertions.Expect(detail.Status).ToHaveTextAsync("Scheduled decommission");
        await Assertions.Expect(detail.CancelButton).ToBeVisibleAsync();

        await fleet.GotoAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(fleet.SavingsValue).ToHaveTextAsync("USD 84.00");

        await Page.GotoAsync($"/audit?entity=vps_instances&entity_id={Aps4001}");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Page.GetByTestId("audit-grid").Locator("tr", new() { HasText = "vps.decommission_schedule" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Exec_sees_the_fleet_and_an_instance_but_no_action()
    {
        await SignInAsync(DemoSeeder.Accounts.Exec);
        var fleet = new VpsFleetPage(Page);
        await fleet.GotoAsync("?region=us-east");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(fleet.Row("hw-use-1001")).ToHaveCountAsync(1);
        await Assertions.Expect(fleet.Row("hw-usw-2001")).ToHaveCountAsync(0);
        await Assertions.Expect(fleet.SpendValue).ToHaveTextAsync("USD 358.00");
        await Assertions.Expect(fleet.NewInstance).ToHaveCountAsync(0);

        var detail = new VpsDetailPageObject(Page);
        await detail.GotoAsync(SeedIds.For("vps:hw-use-1001"));
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(detail.Status).ToHaveTextAsync("Active");
        await Assertions.Expect(detail.ScheduleButton).ToHaveCountAsync(0);
        await Assertions.Expect(detail.EditButton).ToHaveCountAsync(0);
        await Assertions.Expect(detail.CancelButton).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_fleet_and_detail_pages_pass_axe()
    {
        await SignInAsync(DemoSeeder.Accounts.Ops);
        var fleet = new VpsFleetPage(Page);
        await fleet.GotoAsync();
        await WaitForCircuitAsync(Page);
        await fleet.Row("hw-use-1001").WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());

        await new VpsDetailPageObject(Page).GotoAsync(SeedIds.For("vps:hw-use-1001"));
        await WaitForCircuitAsync(Page);
        await Page.GetByTestId("vps-ips").WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
    }

}
