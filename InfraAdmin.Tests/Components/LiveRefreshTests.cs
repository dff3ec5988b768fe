using Bunit;
using InfraAdmin.Components.Shared;
using InfraAdmin.Infrastructure.Live;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Components;

/// <summary>LiveRefresh: a change of one of its tables calls the page back once per burst; other tables, and a disposed page, never.</summary>
public sealed class LiveRefreshTests : BunitTest
{
    [Fact]
    public async Task A_burst_of_changes_of_its_tables_is_one_callback_and_other_tables_none()
    {
        var batches = new List<ChangeBatch>();
        var cut = Render<LiveRefresh>(p => p
            .Add(c => c.Tables, [LiveTables.IpAddresses])
            .Add(c => c.OnChange, (ChangeBatch b) => batches.Add(b)));
        cut.WaitForState(() => Feed.SubscriberCount == 1);

        Feed.Publish(new DataChange(LiveTables.Vps));
        for (var i = 0; i < 100; i++) Feed.Publish(new DataChange(LiveTables.IpAddresses, [Guid.NewGuid().ToString()]));
        Feed.Publish(new DataChange(LiveTables.SystemConfig)); // not followed here either

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=live-refresh]").GetAttribute("data-refreshes")));
        // The count renders just before the callback runs, in the same renderer turn: read the list on the renderer, after it.
        var batch = await cut.InvokeAsync(() => Assert.Single(batches));
        Assert.True(batch.Touches(LiveTables.IpAddresses));
        Assert.DoesNotContain(batch.Changes, c => c.Table == LiveTables.Vps);
        Assert.True(batch.FullRefresh); // more changes than a batch keeps: "anything may have changed"
    }

    [Fact]
    public async Task A_change_between_the_pages_load_and_its_subscription_is_caught_up_on_once()
    {
        _ = Services.GetRequiredService<LiveStart>(); // the request began (the mark is taken), then the page loaded its data
        Feed.Publish(new DataChange(LiveTables.IpAddresses, ["a"])); // ...then this change, before the page subscribed

        var calls = 0;
        var cut = Render<LiveRefresh>(p => p
            .Add(c => c.Tables, [LiveTables.IpAddresses])
            .Add(c => c.OnChange, (ChangeBatch _) => calls++));

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=live-refresh]").GetAttribute("data-refreshes")));
        await cut.InvokeAsync(() => Assert.Equal(1, calls));
    }

    [Fact]
    public async Task A_change_of_other_tables_before_the_subscription_is_no_refresh()
    {
        _ = Services.GetRequiredService<LiveStart>();
        Feed.Publish(new DataChange(LiveTables.Vps));

        var calls = 0;
        var cut = Render<LiveRefresh>(p => p
            .Add(c => c.Tables, [LiveTables.IpAddresses])
            .Add(c => c.OnChange, (ChangeBatch _) => calls++));
        cut.WaitForState(() => Feed.SubscriberCount == 1);

        // The catch-up decision is taken in the same turn as the subscription: had it refreshed, the count would show now.
        await cut.InvokeAsync(() => Assert.Equal(0, calls));
        Assert.Equal("0", cut.Find("[data-testid=live-refresh]").GetAttribute("data-refreshes"));
    }

    [Fact]
    public async Task A_full_refresh_reaches_every_page_and_a_disposed_page_unsubscribes()
    {
        var calls = 0;
        var cut = Render<LiveRefresh>(p => p
            .Add(c => c.Tables, [LiveTables.Audit])
            .Add(c => c.OnChange, (ChangeBatch _) => calls++));
        cut.WaitForState(() => Feed.SubscriberCount == 1);

        Feed.PublishFullRefresh();
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=live-refresh]").GetAttribute("data-refreshes")));
        await cut.InvokeAsync(() => Assert.Equal(1, calls)); // the callback runs on the renderer, right after the count

        await DisposeComponentsAsync();
        Assert.Equal(0, Feed.SubscriberCount);
    }
}
