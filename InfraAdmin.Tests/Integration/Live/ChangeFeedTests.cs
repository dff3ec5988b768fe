using System.Collections.Concurrent;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Live;

/// <summary>
/// Live pages (issue 16), below the pages: a write by anyone (here psql-style SQL on a connection of the test's own)
/// reaches the app's change feed with its table; a bulk change is one notification and one refresh per subscriber; a
/// cost rebuild is one; the listener comes back after its backend is killed and every subscriber gets a full refresh.
/// </summary>
public sealed class ChangeFeedTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private ChangeFeed Feed => App.Services.GetRequiredService<ChangeFeed>();

    [Fact]
    public async Task A_direct_sql_update_reaches_the_feed_with_its_table_and_key()
    {
        await WaitForListenerAsync();
        using var recorder = new Recorder(Feed, [LiveTables.IpAddresses]);
        var id = await ScalarAsync<Guid>("SELECT id FROM smtp_ip_addresses ORDER BY ip_address LIMIT 1");

        await ExecAsync($"UPDATE smtp_ip_addresses SET reputation_state = 'critical' WHERE id = '{id}'");

        var batch = await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == LiveTables.IpAddresses));
        var change = Assert.Single(batch.Changes, c => c.Table == LiveTables.IpAddresses);
        Assert.Equal([id.ToString()], change.Keys);
        Assert.True(batch.Touches(LiveTables.IpAddresses, id));
        Assert.False(batch.Touches(LiveTables.IpAddresses, Guid.NewGuid()));
    }

    [Fact]
    public async Task The_shared_ip_overview_is_one_computation_until_a_direct_sql_write_and_then_shows_it()
    {
        await WaitForListenerAsync();
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var ips = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        var before = await ips.OverviewAsync(Freshness.Shared, Ct);
        Assert.Same(before, await ips.OverviewAsync(Freshness.Shared, Ct)); // every page load shares it
        Assert.NotSame(before, await ips.OverviewAsync(Freshness.Current, Ct)); // after one's own change: read now

        using var recorder = new Recorder(Feed, [LiveTables.IpAddresses]);
        var id = await ScalarAsync<Guid>("SELECT id FROM smtp_ip_addresses WHERE status = 'available' ORDER BY ip_address LIMIT 1");
        await ExecAsync($"UPDATE smtp_ip_addresses SET status = 'quarantined' WHERE id = '{id}'");
        await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == LiveTables.IpAddresses));

        var after = await ips.OverviewAsync(Freshness.Shared, Ct);
        Assert.NotSame(before, after);
        int Quarantined(IpOverview o) => o.ByStatus.Single(s => s.Key == "quarantined").Count;
        Assert.Equal(Quarantined(before) + 1, Quarantined(after));
        Assert.Same(after, await ips.OverviewAsync(Freshness.Shared, Ct));
    }

    [Fact]
    public async Task The_ip_grids_page_is_shared_by_the_viewers_of_one_view_and_follows_a_direct_sql_write()
    {
        await WaitForListenerAsync();
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var ips = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        var view = new IpFilter(Status: "available");
        var before = await ips.SearchAsync(view, IpSort.IpAddress, false, 0, 10, Freshness.Shared, Ct);
        Assert.NotEmpty(before.Rows);
        Assert.Same(before.Rows, (await ips.SearchAsync(view, IpSort.IpAddress, false, 0, 10, Freshness.Shared, Ct)).Rows); // one read for every open page
        Assert.NotSame(before.Rows, (await ips.SearchAsync(view, IpSort.IpAddress, false, 1, 10, Freshness.Shared, Ct)).Rows); // another page is another view
        Assert.NotSame(before.Rows, (await ips.SearchAsync(view, IpSort.IpAddress, true, 0, 10, Freshness.Shared, Ct)).Rows); // and another sort
        Assert.NotSame(before.Rows, (await ips.SearchAsync(view, IpSort.IpAddress, false, 0, 10, Freshness.Current, Ct)).Rows); // one's own change: read now

        using var recorder = new Recorder(Feed, [LiveTables.IpAddresses]);
        var first = before.Rows[0];
        await ExecAsync($"UPDATE smtp_ip_addresses SET status = 'quarantined' WHERE id = '{first.Id}'");
        await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == LiveTables.IpAddresses));

        var after = await ips.SearchAsync(view, IpSort.IpAddress, false, 0, 10, Freshness.Shared, Ct);
        Assert.DoesNotContain(after.Rows, r => r.Id == first.Id);
        Assert.Equal(before.Total - 1, after.Total);
        Assert.Same(after.Rows, (await ips.SearchAsync(view, IpSort.IpAddress, false, 0, 10, Freshness.Shared, Ct)).Rows);
    }

    [Fact]
    public async Task The_vps_grids_page_is_shared_by_the_viewers_of_one_view_and_follows_an_ip_moving_in()
    {
        await WaitForListenerAsync();
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var fleet = scope.ServiceProvider.GetRequiredService<Features.Vps.VpsService>();
        var view = new Features.Vps.VpsFilter();
        var before = await fleet.SearchAsync(view, 0, 10, null, false, Freshness.Shared, Ct);
        Assert.Same(before, await fleet.SearchAsync(view, 0, 10, null, false, Freshness.Shared, Ct));
        Assert.NotSame(before, await fleet.SearchAsync(view, 1, 10, null, false, Freshness.Shared, Ct));
        Assert.NotSame(before, await fleet.SearchAsync(view, 0, 10, null, false, Freshness.Current, Ct));

        using var recorder = new Recorder(Feed, [LiveTables.IpAddresses]);
        var vps = before.Rows[0];
        await ExecAsync($"""
            INSERT INTO smtp_ip_addresses (id, vps_instance_id, ip_address, status, reputation_state, created, updated)
            VALUES (gen_random_uuid(), '{vps.Id}', '100.65.0.1', 'available', 'good', now(), now())
            """);
        await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == LiveTables.IpAddresses));

        var after = await fleet.SearchAsync(view, 0, 10, null, false, Freshness.Shared, Ct);
        Assert.Equal(vps.IpCount + 1, after.Rows.Single(r => r.Id == vps.Id).IpCount);
    }

    [Fact]
    public async Task The_bells_shared_count_follows_a_direct_sql_write_of_an_alert()
    {
        await WaitForListenerAsync();
        // A user who sees config alerts only: the app's own rules (IPs, costs) do not move that count during the test.
        var role = await Staff.StaffTestUsers.CreateRoleAsync(Db, "bellcount", "config.view");
        var (_, email) = await Staff.StaffTestUsers.CreateUserAsync(App, "bellcount", role);
        await using var scope = await App.ScopeAsAsync(email);
        var alerts = scope.ServiceProvider.GetRequiredService<Features.Alerts.AlertService>();
        const string open = "SELECT count(*)::int FROM alerts WHERE resolved_at IS NULL AND acknowledged_at IS NULL AND permission = 'config.view'";
        Assert.Equal(await ScalarAsync<int>(open), await alerts.OpenCountAsync(Freshness.Shared, Ct));

        using var recorder = new Recorder(Feed, [LiveTables.Alerts]);
        await ExecAsync("""
            INSERT INTO alerts (rule, subject_key, permission, severity, title) VALUES ('test.bell', gen_random_uuid()::text, 'config.view', 'warning', 'bell count')
            """);
        await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == LiveTables.Alerts));

        // The kept counts were dropped with the change: every bell counts the new alert at once.
        Assert.Equal(await ScalarAsync<int>(open), await alerts.OpenCountAsync(Freshness.Shared, Ct));
        Assert.Equal(await ScalarAsync<int>(open), await alerts.OpenCountAsync(Freshness.Current, Ct));
    }

    [Fact]
    public async Task A_bulk_update_of_5000_rows_is_one_notification_and_one_refresh_per_subscriber()
    {
        await WaitForListenerAsync();
        var vps = await ScalarAsync<Guid>("SELECT id FROM vps_instances ORDER BY hostwinds_instance_id LIMIT 1");
        await ExecAsync($"""
            INSERT INTO smtp_ip_addresses (id, vps_instance_id, ip_address, status, reputation_state, created, updated)
            SELECT gen_random_uuid(), '{vps}', '100.64.' || (n / 256) || '.' || (n % 256), 'available', 'good', now(), now()
            FROM generate_series(1, 5000) n
            """);
        using (var setup = new Recorder(Feed, [LiveTables.SystemConfig]))
        {
            await MarkAsync("after-insert");
            await setup.WaitForAsync(b => b.Changes.Any(IsMarker("after-insert"))); // the insert's notification is behind us
        }
        using var first = new Recorder(Feed, [LiveTables.IpAddresses, LiveTables.SystemConfig]);
        using var second = new Recorder(Feed, [LiveTables.IpAddresses, LiveTables.SystemConfig]);

        var updated = await ExecAsync("UPDATE smtp_ip_addresses SET reputation_state = 'fair' WHERE ip_address LIKE '100.64.%'");
        Assert.Equal(5000, updated);
        // Notifications arrive in commit order on the one listening connection: once the marker is in, the update's is too.
        await MarkAsync("after-update");
        await first.WaitForAsync(b => b.Changes.Any(IsMarker("after-update")));
        await second.WaitForAsync(b => b.Changes.Any(IsMarker("after-update")));

        foreach (var recorder in new[] { first, second })
        {
            var ipChange = Assert.Single(recorder.Batches.SelectMany(b => b.Changes), c => c.Table == LiveTables.IpAddresses);
            Assert.Null(ipChange.Keys); // "many"
            Assert.Single(recorder.Batches, b => b.Changes.Any(c => c.Table == LiveTables.IpAddresses));
        }
    }

    [Fact]
    public async Task A_cost_rebuild_is_one_change()
    {
        await WaitForListenerAsync();
        using var recorder = new Recorder(Feed, [LiveTables.CostRollup, LiveTables.SystemConfig]);
        var rollup = App.Services.GetRequiredService<CostRollup>();

        await rollup.RebuildAsync(rollup.Today.AddDays(-40), rollup.Today, Ct);
        await MarkAsync("after-rebuild");
        await recorder.WaitForAsync(b => b.Changes.Any(IsMarker("after-rebuild")));

        Assert.Single(recorder.Batches.SelectMany(b => b.Changes), c => c.Table == LiveTables.CostRollup);
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_backend_is_killed_and_subscribers_get_a_full_refresh()
    {
        var pid = await WaitForListenerAsync();
        using var recorder = new Recorder(Feed, [LiveTables.Vps]);

        Assert.True(await ScalarAsync<bool>($"SELECT pg_terminate_backend({pid})"));

        await recorder.WaitForAsync(b => b.FullRefresh);
        var again = await WaitForListenerAsync();
        Assert.NotEqual(pid, again);
        // And it hears changes again.
        await ExecAsync("UPDATE vps_instances SET region = region WHERE id = (SELECT id FROM vps_instances ORDER BY hostwinds_instance_id LIMIT 1)");
        await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == LiveTables.Vps));
    }

    [Fact]
    public async Task A_tenant_users_change_names_its_tenant_and_a_staff_users_change_names_none()
    {
        await WaitForListenerAsync();
        var world = await Tenants.TestTenants.CreateAsync(Db, "live-feed");
        var staff = Tenants.TestTenants.NewUser($"live-feed-staff-{Guid.NewGuid():N}@test.local", null, null);
        await using (var db = Db.CreateContext())
        {
            db.AuditEnabled = false;
            db.Users.Add(staff);
            await db.SaveChangesAsync(Ct);
        }
        using var recorder = new Recorder(Feed, [LiveTables.Users]);

        await ExecAsync($"UPDATE users SET display_name = 'renamed' WHERE id = '{world.MemberId}'");
        await ExecAsync($"UPDATE users SET display_name = 'renamed' WHERE id = '{staff.Id}'");

        // Each user's row may also come with its insert's notification, when that arrives late in the same batch: every
        // change of the row says the same.
        var tenants = await recorder.WaitForAsync(b => b.Changes.Any(c => c.Keys is [var k] && k == world.MemberId.ToString()));
        Assert.All(tenants.Changes.Where(c => c.Keys is [var k] && k == world.MemberId.ToString()), member =>
        {
            Assert.Equal(world.TenantId.ToString(), member.Tenant);
            Assert.True(member.MayConcernTenant(world.TenantId));
            Assert.False(member.MayConcernTenant(Guid.NewGuid())); // another tenant's page ignores it
        });
        var staffBatch = await recorder.WaitForAsync(b => b.Changes.Any(c => c.Keys is [var k] && k == staff.Id.ToString()));
        Assert.All(staffBatch.Changes.Where(c => c.Keys is [var k] && k == staff.Id.ToString()), staffChange =>
        {
            Assert.True(staffChange.NoTenant);
            Assert.False(staffChange.MayConcernTenant(world.TenantId)); // no tenant's page is concerned
        });
    }

    [Fact]
    public async Task A_sign_in_and_a_preferences_change_reach_the_feed_keyed_by_their_user()
    {
        await WaitForListenerAsync();
        var world = await Tenants.TestTenants.CreateAsync(Db, "live-acct");
        using var recorder = new Recorder(Feed, [LiveTables.Sessions, LiveTables.Preferences]);

        await ExecAsync($"""
            INSERT INTO user_sessions (id, user_id, created, last_seen, expires) VALUES (gen_random_uuid(), '{world.MemberId}', now(), now(), now() + interval '1 hour');
            INSERT INTO user_preferences (id, user_id, theme, created, updated) VALUES (gen_random_uuid(), '{world.MemberId}', 'dark', now(), now());
            """);

        foreach (var table in new[] { LiveTables.Sessions, LiveTables.Preferences })
        {
            var batch = await recorder.WaitForAsync(b => b.Changes.Any(c => c.Table == table));
            var change = batch.Changes.First(c => c.Table == table);
            Assert.Equal([world.MemberId.ToString()], change.Keys);
            Assert.True(change.MayConcern(world.MemberId));
            Assert.False(change.MayConcern(world.AdminId));
        }
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing_more()
    {
        await WaitForListenerAsync();
        var before = Feed.SubscriberCount;
        var recorder = new Recorder(Feed, [LiveTables.FeatureFlags]);
        Assert.Equal(before + 1, Feed.SubscriberCount);
        recorder.Dispose();
        Assert.Equal(before, Feed.SubscriberCount);
    }

    private static Func<DataChange, bool> IsMarker(string marker) => c => c.Table == LiveTables.SystemConfig && c.Keys is [var k] && k == "live-test." + marker;

    /// <summary>A change of a table the recorders follow, after the one under test, to know it has been delivered.</summary>
    private Task<int> MarkAsync(string marker) => ExecAsync($"""
        INSERT INTO system_config (key, value, category) VALUES ('live-test.{marker}', '1', 'test')
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """);

    /// <summary>Waits until the app's listening connection is up (LISTEN sent) on this class's database; returns its backend pid.</summary>
    private async Task<int> WaitForListenerAsync()
    {
        _ = App.Services; // starts the app (and its listener)
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var pid = await ScalarAsync<int?>($"""
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = '{DatabaseListener.ApplicationName}' AND query LIKE 'LISTEN%'
                """);
            if (pid is { } p) return p;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The app's database listener did not start listening");
            await Task.Delay(50, Ct); // polling the server's activity view, not the feature: the condition is the listener being up
        }
    }

    private async Task<int> ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync(Ct);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync(Ct);
        return value is null or DBNull ? default! : (T)value;
    }

    /// <summary>Records the batches one subscriber gets, and waits for one.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly ConcurrentQueue<ChangeBatch> _batches = new();
        private readonly SemaphoreSlim _arrived = new(0);
        private readonly IDisposable _subscription;

        public Recorder(ChangeFeed feed, string[] tables) =>
            _subscription = feed.Subscribe(tables, batch =>
            {
                _batches.Enqueue(batch);
                _arrived.Release();
                return Task.CompletedTask;
            });

        public IReadOnlyList<ChangeBatch> Batches => _batches.ToList();

        public async Task<ChangeBatch> WaitForAsync(Func<ChangeBatch, bool> match)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                if (_batches.FirstOrDefault(match) is { } found) return found;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left, Ct))
                    throw new TimeoutException("No such change within " + Patience.TotalSeconds + " s; got: "
                        + string.Join(" | ", _batches.Select(b => string.Join(", ", b.Changes.Select(c => c.ToPayload())))));
            }
        }

        public void Dispose() => _subscription.Dispose();
    }
}
