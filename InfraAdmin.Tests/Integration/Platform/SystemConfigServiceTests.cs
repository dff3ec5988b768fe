using InfraAdmin.Data;
using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Platform;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Platform;

/// <summary>system_config through SystemConfigService on real PostgreSQL: validation, concurrency, reveal, history and revert.</summary>
public sealed class SystemConfigServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const string StripeSecret = "acct_1NxDemoPlatform7Q";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewKey(string prefix = "test") => $"{prefix}.{Guid.NewGuid():N}"[..24];

    private async Task<T> AsAsync<T>(string email, Func<SystemConfigService, Task<T>> act)
    {
        await using var scope = await App.ScopeAsAsync(email);
        return await act(scope.ServiceProvider.GetRequiredService<SystemConfigService>());
    }

    private Task AsAdminAsync(Func<SystemConfigService, Task> act) => AsAsync<bool>(Demo.Admin, async s => { await act(s); return true; });

    [Fact]
    public async Task A_new_key_is_listed_by_category_pretty_printed_with_who_changed_it()
    {
        var key = NewKey("zz");
        await AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, Category = "zz-test", ValueJson = "{\"a\":1,\"b\":[true]}" }, Ct));
        var rows = await AsAsync(Demo.Admin, s => s.ListAsync("zz-test", Ct));
        var row = Assert.Single(rows);
        Assert.Equal(key, row.Key);
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}", row.PrettyValue!.ReplaceLineEndings("\n"));
        Assert.Equal(Demo.Admin, row.UpdatedBy);
        Assert.NotNull(row.Updated);
        var all = await AsAsync(Demo.Admin, s => s.ListAsync(null, Ct));
        var runs = all.Select(r => r.Category).Where((c, i) => i == 0 || all[i - 1].Category != c).ToList();
        Assert.Equal(runs.Distinct().Count(), runs.Count); // each category's keys are together
    }

    [Theory]
    [InlineData("{not json", "ValueJson")]
    [InlineData("", "ValueJson")]
    [InlineData("us-east", "ValueJson")]
    public async Task Bad_json_is_refused_beside_the_value(string json, string field)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = NewKey(), ValueJson = json }, Ct)));
        Assert.Contains(field, ex.Errors.Keys);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("UPPER")]
    [InlineData("")]
    [InlineData("semi;colon")]
    public async Task Bad_keys_are_refused(string key)
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, ValueJson = "1" }, Ct)));
        Assert.Contains("Key", ex.Errors.Keys);
    }

    [Fact]
    public async Task Keys_up_to_the_audited_limit_are_accepted_and_longer_ones_refused()
    {
        var longest = "k" + new string('x', ConfigRules.MaxKeyLength - 1);
        await AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = longest, ValueJson = "1" }, Ct));
        foreach (var tooLong in new[] { longest + "y", new string('z', 256) })
        {
            var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
                AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = tooLong, ValueJson = "1" }, Ct)));
            Assert.Contains($"at most {ConfigRules.MaxKeyLength}", ex.Errors["Key"]);
        }
    }

    [Fact]
    public async Task A_duplicate_key_is_refused_and_the_first_value_kept()
    {
        var key = NewKey();
        await AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, ValueJson = "1" }, Ct));
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, ValueJson = "2" }, Ct)));
        Assert.Contains("already exists", ex.Errors["Key"]);
        Assert.Equal("1", (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.PrettyValue);
    }

    [Theory]
    [InlineData("\"acct_short\"")]
    [InlineData("\"cus_1NxDemoPlatform7Q\"")]
    [InlineData("\"acct_has space inside\"")]
    [InlineData("42")]
    public async Task The_stripe_account_id_must_look_like_one(string json)
    {
        var row = await AsAsync(Demo.Admin, s => s.GetAsync(SettingKeys.StripeAccountId, Ct));
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAdminAsync(s =>
            s.UpdateAsync(SettingKeys.StripeAccountId, new ConfigInput { Category = "billing", IsSensitive = true, ValueJson = json }, row!.Version, Ct)));
        Assert.Contains("acct_", ex.Errors["ValueJson"]);
    }

    [Fact]
    public async Task Concurrent_edits_do_not_overwrite_each_other()
    {
        var key = NewKey();
        await AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, ValueJson = "1" }, Ct));
        var seen = (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.Version;
        await AsAdminAsync(s => s.UpdateAsync(key, new ConfigInput { ValueJson = "2" }, seen, Ct));
        var ex = await Assert.ThrowsAsync<StaleEditException>(() =>
            AsAdminAsync(s => s.UpdateAsync(key, new ConfigInput { ValueJson = "3" }, seen, Ct)));
        Assert.Contains("Someone else changed", ex.Message);
        await Assert.ThrowsAsync<StaleEditException>(() => AsAdminAsync(s => s.DeleteAsync(key, seen, Ct)));
        Assert.Equal("2", (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.PrettyValue);
    }

    [Fact]
    public async Task A_change_takes_effect_in_system_settings_without_a_restart()
    {
        var settings = App.Services.GetRequiredService<SystemSettings>();
        Assert.Equal(24, await settings.GetAsync(SettingCatalog.IpReputationStaleHours, Ct));
        var row = await AsAsync(Demo.Admin, s => s.GetAsync(SettingKeys.IpReputationStaleHours, Ct));
        await AsAdminAsync(s => s.UpdateAsync(SettingKeys.IpReputationStaleHours,
            new ConfigInput { Category = row!.Category, Description = row.Description, ValueJson = "48" }, row.Version, Ct));
        Assert.Equal(48, await settings.GetAsync(SettingCatalog.IpReputationStaleHours, Ct));
        var again = await AsAsync(Demo.Admin, s => s.GetAsync(SettingKeys.IpReputationStaleHours, Ct));
        await AsAdminAsync(s => s.DeleteAsync(SettingKeys.IpReputationStaleHours, again!.Version, Ct));
        Assert.Equal(24, await settings.GetAsync(SettingCatalog.IpReputationStaleHours, Ct)); // the coded default
    }

    [Fact]
    public async Task Sensitive_values_are_never_listed_and_reveal_needs_the_permission_and_is_audited()
    {
        var row = Assert.Single(await AsAsync(Demo.Admin, s => s.ListAsync("stripe", Ct)));
        Assert.True(row.IsSensitive);
        Assert.Null(row.PrettyValue);

        var revealed = await AsAsync(Demo.Admin, s => s.RevealAsync(SettingKeys.StripeAccountId, Ct));
        Assert.Equal($"\"{StripeSecret}\"", revealed);
        await using var db = Db.CreateContext();
        var audit = await db.AuditLog.AsNoTracking()
            .Where(a => a.Action == SystemConfigService.RevealAction && a.EntityId == SettingKeys.StripeAccountId).ToListAsync(Ct);
        var reveal = Assert.Single(audit);
        Assert.Equal(SeedIds.For("user:" + Demo.Admin), reveal.ActorId);
        Assert.Null(reveal.Before);
        Assert.Null(reveal.After);

        var userId = await CreateStaffWithAsync("config-viewer", Permissions.Config.View);
        await using var scope = await ScopeAsUserAsync(userId);
        var service = scope.ServiceProvider.GetRequiredService<SystemConfigService>();
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.RevealAsync(SettingKeys.StripeAccountId, Ct));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.CreateAsync(new ConfigInput { Key = NewKey(), ValueJson = "1" }, Ct));
        Assert.NotEmpty(await service.ListAsync(null, Ct));
    }

    [Fact]
    public async Task History_shows_field_diffs_and_revert_puts_the_earlier_value_back()
    {
        var key = NewKey();
        await AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, Category = "ops", ValueJson = "{\"limit\":5}" }, Ct));
        var v1 = (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.Version;
        await AsAdminAsync(s => s.UpdateAsync(key, new ConfigInput { Category = "ops", ValueJson = "{\"limit\":9}" }, v1, Ct));

        var history = await AsAsync(Demo.Admin, s => s.HistoryAsync(key, Ct));
        Assert.Equal(["update", "create"], history.Select(h => h.Action));
        var diff = Assert.Single(history[0].Fields);
        Assert.Equal("value", diff.Field);
        Assert.Contains("5", diff.Before);
        Assert.Contains("9", diff.After);
        Assert.True(history[0].CanRevert);
        Assert.False(history[1].CanRevert);

        var v2 = (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.Version;
        await AsAdminAsync(s => s.RevertAsync(key, history[0].AuditId, v2, Ct));
        Assert.Contains("\"limit\": 5", (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.PrettyValue);
        var after = await AsAsync(Demo.Admin, s => s.HistoryAsync(key, Ct));
        Assert.Equal(SystemConfigService.RevertAction, after[0].Action);
        await Assert.ThrowsAsync<StaleEditException>(() => AsAdminAsync(s => s.RevertAsync(key, history[0].AuditId, v2, Ct)));
    }

    [Fact]
    public async Task A_sensitive_key_cannot_be_reverted_from_its_redacted_history()
    {
        var key = NewKey("secret");
        await AsAdminAsync(s => s.CreateAsync(new ConfigInput { Key = key, IsSensitive = true, ValueJson = "\"first-secret-value\"" }, Ct));
        var v1 = (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.Version;
        await AsAdminAsync(s => s.UpdateAsync(key, new ConfigInput { IsSensitive = true, ValueJson = "\"second-secret-value\"" }, v1, Ct));
        var v2 = (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.Version;
        // Blank value on a sensitive key keeps it.
        await AsAdminAsync(s => s.UpdateAsync(key, new ConfigInput { IsSensitive = true, Description = "kept", ValueJson = "" }, v2, Ct));
        Assert.Equal("\"second-secret-value\"", await AsAsync(Demo.Admin, s => s.RevealAsync(key, Ct)));

        var history = await AsAsync(Demo.Admin, s => s.HistoryAsync(key, Ct));
        var valueChange = history.First(h => h.Fields.Any(f => f.Field == "value") && h.Action == "update");
        Assert.False(valueChange.CanRevert);
        Assert.Contains("sensitive", valueChange.RevertBlockedReason);
        Assert.All(history.SelectMany(h => h.Fields).Where(f => f.Field == "value"), f =>
        {
            Assert.NotEqual("\"first-secret-value\"", f.Before);
            Assert.DoesNotContain("secret-value", (f.Before ?? "") + f.After);
        });
        var v3 = (await AsAsync(Demo.Admin, s => s.GetAsync(key, Ct)))!.Version;
        await Assert.ThrowsAsync<RefusedException>(() => AsAdminAsync(s => s.RevertAsync(key, valueChange.AuditId, v3, Ct)));

        await using var db = Db.CreateContext();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityId == key).ToListAsync(Ct);
        var text = string.Join("\n", audit.Select(a => a.Before?.RootElement.GetRawText() + a.After?.RootElement.GetRawText()));
        Assert.DoesNotContain("secret-value", text);
    }

    private async Task<Guid> CreateStaffWithAsync(string prefix, params string[] permissions)
    {
        await using var db = Db.CreateContext();
        var role = new StaffRole { Id = Random.Shared.Next(1000, int.MaxValue), Name = prefix + "-" + Guid.NewGuid().ToString("N")[..6] };
        db.StaffRoles.Add(role);
        var email = $"{prefix}-{Guid.NewGuid():N}@test.local";
        var user = new AppUser { Id = Guid.NewGuid(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(), SecurityStamp = "s" };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        var ids = await db.Permissions.Where(p => permissions.Contains(p.Name!)).Select(p => p.Id).ToListAsync(Ct);
        db.StaffRolePermissions.AddRange(ids.Select(id => new StaffRolePermission { RoleId = role.Id, PermissionId = id }));
        db.StaffMembers.Add(new StaffMember { UserId = user.Id, RoleId = role.Id });
        await db.SaveChangesAsync(Ct);
        return user.Id;
    }

    private async Task<AsyncServiceScope> ScopeAsUserAsync(Guid userId)
    {
        await using var db = Db.CreateContext();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync(Ct);
        return await App.ScopeAsAsync(email);
    }
}
