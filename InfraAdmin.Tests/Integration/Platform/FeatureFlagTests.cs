using InfraAdmin.Data;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace InfraAdmin.Tests.Integration.Platform;

/// <summary>Feature flags on real PostgreSQL: the management rules and the library's tenant bucketing as properties.</summary>
public sealed class FeatureFlagTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>~2,000 stable, well-spread ids (deterministic, so a failure reproduces).</summary>
    private static readonly Guid[] Ids = Enumerable.Range(0, 2000).Select(i => SeedIds.For("bucket-test:" + i)).ToArray();

    private async Task<T> AsAdminAsync<T>(Func<FeatureFlagService, Task<T>> act)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        return await act(scope.ServiceProvider.GetRequiredService<FeatureFlagService>());
    }

    private Task AsAdminAsync(Func<FeatureFlagService, Task> act) => AsAdminAsync<bool>(async s => { await act(s); return true; });

    private async Task<FlagRow> RowAsync(string key) => (await AsAdminAsync(s => s.ListAsync(Ct))).Single(f => f.Key == key);

    private async Task<string> CreateFlagAsync(bool enabled, int percentage)
    {
        var key = "flag-" + Guid.NewGuid().ToString("N")[..10];
        await AsAdminAsync(s => s.CreateAsync(new FlagInput { Key = key, IsEnabled = enabled, RolloutPercentage = percentage }, Ct));
        return key;
    }

    private async Task SetAsync(string key, bool enabled, int percentage)
    {
        var row = await RowAsync(key);
        await AsAdminAsync(s => s.UpdateAsync(row.Id, enabled, percentage, row.Description, row.Version, Ct));
    }

    private async Task<HashSet<Guid>> InRolloutAsync(string key)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var flags = scope.ServiceProvider.GetRequiredService<FeatureFlags>();
        var set = new HashSet<Guid>();
        foreach (var id in Ids) if (await flags.IsEnabledForTenantAsync(key, id, Ct)) set.Add(id);
        return set;
    }

    [Fact]
    public void The_library_reads_flags_from_our_provider()
    {
        Assert.IsType<FeatureFlagDefinitionProvider>(App.Services.GetRequiredService<IFeatureDefinitionProvider>());
        Assert.IsType<TenantTargetingContextAccessor>(App.Services.GetRequiredService<Microsoft.FeatureManagement.FeatureFilters.ITargetingContextAccessor>());
    }

    [Fact]
    public async Task Bucketing_is_stable_monotonic_in_the_percentage_and_roughly_uniform()
    {
        var key = await CreateFlagAsync(true, 0);
        Assert.Empty(await InRolloutAsync(key));
        var previous = new HashSet<Guid>();
        var entered = new List<int>();
        for (var pct = 10; pct <= 100; pct += 10)
        {
            await SetAsync(key, true, pct); // through the service: the definition cache is invalidated on change
            var now = await InRolloutAsync(key);
            Assert.True(previous.IsSubsetOf(now), $"raising to {pct}% dropped {previous.Except(now).Count()} ids");
            Assert.Equal(now, await InRolloutAsync(key)); // stable per id
            entered.Add(now.Count - previous.Count);
            previous = now;
        }
        Assert.Equal(Ids.Length, previous.Count);
        // Each 10% band takes ~200 of 2,000 ids (binomial sd ≈ 13.4); allow ±60 (≈ 4.5 sd).
        Assert.All(entered, n => Assert.InRange(n, 140, 260));
        await SetAsync(key, false, 100);
        Assert.Empty(await InRolloutAsync(key));
    }

    [Fact]
    public async Task Which_ids_are_in_depends_on_the_flag_name()
    {
        var a = await CreateFlagAsync(true, 50);
        var b = await CreateFlagAsync(true, 50);
        var inA = await InRolloutAsync(a);
        var inB = await InRolloutAsync(b);
        Assert.InRange(inA.Count, 900, 1100);
        Assert.NotEqual(inA, inB);
    }

    [Fact]
    public async Task The_preview_tenant_is_searched_by_name_a_few_at_a_time_not_listed_whole()
    {
        await using (var db = Db.CreateContext())
        {
            for (var i = 0; i < FeatureFlagService.TenantChoiceLimit + 5; i++)
                db.Tenants.Add(new Data.Entities.Tenant { Name = $"Preview pick {i:00}", Slug = "pick-" + Guid.NewGuid().ToString("N")[..10] });
            await db.SaveChangesAsync(Ct);
        }
        var many = await AsAdminAsync(s => s.SearchTenantsAsync("preview PICK", Ct));
        Assert.Equal(FeatureFlagService.TenantChoiceLimit, many.Count);
        Assert.All(many, t => Assert.StartsWith("Preview pick", t.Name));
        Assert.Equal(many.Select(t => t.Name).Order(StringComparer.Ordinal), many.Select(t => t.Name));
        var one = await AsAdminAsync(s => s.SearchTenantsAsync("pick 24", Ct));
        Assert.Equal("Preview pick 24", Assert.Single(one).Name);
        Assert.Empty(await AsAdminAsync(s => s.SearchTenantsAsync("%", Ct))); // a LIKE wildcard is text
    }

    [Fact]
    public async Task The_preview_agrees_with_the_evaluation_and_follows_the_draft_percentage()
    {
        var key = "smart-warmup"; // seeded: on at 30%
        List<Guid> tenants;
        await using (var db = Db.CreateContext()) tenants = await db.Tenants.Select(t => t.Id).ToListAsync(Ct);
        await using var scope = App.Services.CreateAsyncScope();
        var flags = scope.ServiceProvider.GetRequiredService<FeatureFlags>();
        var expected = 0;
        foreach (var t in tenants) if (await flags.IsEnabledForTenantAsync(key, t, Ct)) expected++;
        var preview = await AsAdminAsync(s => s.PreviewAsync(key, true, 30, Demo.AcmeTenant, Ct));
        Assert.Equal(expected, preview.InRollout);
        Assert.Equal(tenants.Count, preview.Tenants);
        Assert.Equal(await flags.IsEnabledForTenantAsync(key, Demo.AcmeTenant, Ct), preview.ChosenTenantIn);
        Assert.Equal(tenants.Count, (await AsAdminAsync(s => s.PreviewAsync(key, true, 100, null, Ct))).InRollout);
        Assert.Equal(0, (await AsAdminAsync(s => s.PreviewAsync(key, false, 100, null, Ct))).InRollout);
        Assert.Equal(0, (await AsAdminAsync(s => s.PreviewAsync(key, true, 0, null, Ct))).InRollout);
    }

    [Fact]
    public async Task The_current_user_is_targeted_by_tenant_or_staff_user_id()
    {
        var key = await CreateFlagAsync(true, 50);
        await using var scope = App.Services.CreateAsyncScope();
        var flags = scope.ServiceProvider.GetRequiredService<FeatureFlags>();
        var accessor = App.Services.GetRequiredService<CircuitServicesAccessor>();
        var manager = App.Services.GetRequiredService<IFeatureManager>();
        foreach (var (email, target) in new[]
                 {
                     (Demo.AcmeMember, Demo.AcmeTenant), (Demo.AcmeAdmin, Demo.AcmeTenant),
                     (Demo.Ops, SeedIds.For("user:" + Demo.Ops)), (Demo.Support, SeedIds.For("user:" + Demo.Support)),
                 })
        {
            await using var userScope = await App.ScopeAsAsync(email);
            var expected = await flags.IsEnabledForTenantAsync(key, target, Ct);
            Assert.Equal(expected, await userScope.ServiceProvider.GetRequiredService<FeatureFlags>().IsEnabledForCurrentUserAsync(key, Ct));
            accessor.Services = userScope.ServiceProvider; // what a circuit does while it handles an event
            try
            {
                Assert.Equal(expected, await manager.IsEnabledAsync(key)); // the library asks our targeting accessor
                var context = await App.Services.GetRequiredService<Microsoft.FeatureManagement.FeatureFilters.ITargetingContextAccessor>().GetContextAsync();
                Assert.Equal(target.ToString("D"), context.UserId);
            }
            finally
            {
                accessor.Services = null;
            }
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task Percentages_outside_0_to_100_are_refused(int percentage)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAdminAsync(s => s.CreateAsync(new FlagInput { Key = "pct-" + Guid.NewGuid().ToString("N")[..8], RolloutPercentage = percentage }, Ct)));
        Assert.Contains("between 0 and 100", ex.Errors["RolloutPercentage"]);
        var row = await RowAsync("smart-warmup");
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAdminAsync(s => s.UpdateAsync(row.Id, true, percentage, row.Description, row.Version, Ct)));
        Assert.Equal(30, (await RowAsync("smart-warmup")).RolloutPercentage);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("Upper")]
    [InlineData("smart-warmup")]
    public async Task Bad_and_duplicate_flag_keys_are_refused(string key)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAdminAsync(s => s.CreateAsync(new FlagInput { Key = key, RolloutPercentage = 10 }, Ct)));
        Assert.Contains("Key", ex.Errors.Keys);
    }

    [Fact]
    public async Task Concurrent_flag_edits_do_not_overwrite_each_other_and_the_editor_is_recorded()
    {
        var key = await CreateFlagAsync(true, 10);
        var seen = await RowAsync(key);
        await AsAdminAsync(s => s.UpdateAsync(seen.Id, true, 20, "first", seen.Version, Ct));
        var ex = await Assert.ThrowsAsync<StaleEditException>(() =>
            AsAdminAsync(s => s.UpdateAsync(seen.Id, true, 90, "second", seen.Version, Ct)));
        Assert.Contains("Someone else changed", ex.Message);
        await Assert.ThrowsAsync<StaleEditException>(() => AsAdminAsync(s => s.DeleteAsync(seen.Id, seen.Version, Ct)));
        var now = await RowAsync(key);
        Assert.Equal((20, "first", Demo.Admin), (now.RolloutPercentage, now.Description, now.UpdatedBy));
        await AsAdminAsync(s => s.DeleteAsync(now.Id, now.Version, Ct));
        Assert.DoesNotContain(await AsAdminAsync(s => s.ListAsync(Ct)), f => f.Key == key);
        await using var db = Db.CreateContext();
        Assert.Equal(3, await db.AuditLog.CountAsync(a => a.EntityType == "feature_flags" && a.EntityId == now.Id.ToString(), Ct));
    }

    [Fact]
    public async Task Changing_flags_needs_flags_manage()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<FeatureFlagService>();
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.ListAsync(Ct));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.CreateAsync(new FlagInput { Key = "nope" }, Ct));
    }
}
