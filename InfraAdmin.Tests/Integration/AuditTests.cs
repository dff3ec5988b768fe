using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Audit;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Tests.Integration;

/// <summary>Every change saved through the app writes an audit row, with secrets redacted; /audit reads it as audit.view only.</summary>
public sealed class AuditTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pooled_context_comes_back_with_auditing_on_and_no_leftover_verb()
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<InfraAdmin.Data.InfraAdminDbContext>>();
        object first;
        await using (var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            first = db;
            db.AuditEnabled = false;
            db.AuditAction = "left.over";
        }
        // Rent until the pool hands that instance back (it queues returned contexts behind the ones already idle).
        var rented = new List<InfraAdmin.Data.InfraAdminDbContext>();
        try
        {
            while (rented.Count < 500 && (rented.Count == 0 || !ReferenceEquals(rented[^1], first)))
                rented.Add(await factory.CreateDbContextAsync(TestContext.Current.CancellationToken));
            var again = rented[^1];
            Assert.Same(first, again);
            Assert.True(again.AuditEnabled);
            Assert.Null(again.AuditAction);
        }
        finally
        {
            foreach (var db in rented) await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_change_writes_one_row_with_before_and_after()
    {
        await using var db = Db.CreateContext();
        var tenant = new Tenant { Name = "Audit Co", Slug = "audit-co-" + Guid.NewGuid().ToString("N")[..6], MonthlyRevenue = 10m };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(Ct);
        tenant.MonthlyRevenue = 25m;
        await db.SaveChangesAsync(Ct);

        var rows = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "tenants" && a.EntityId == tenant.Id.ToString())
            .OrderBy(a => a.Id).ToListAsync(Ct);
        Assert.Equal(["create", "update"], rows.Select(r => r.Action));
        Assert.Equal(tenant.Id, rows[1].TenantId);
        Assert.Equal(10m, rows[1].Before!.RootElement.GetProperty("monthly_revenue").GetDecimal());
        Assert.Equal(25m, rows[1].After!.RootElement.GetProperty("monthly_revenue").GetDecimal());
        Assert.False(rows[1].After!.RootElement.TryGetProperty("name", out _), "only changed columns are kept");
    }

    [Fact]
    public async Task Sensitive_config_values_and_password_hashes_never_reach_the_log()
    {
        await using var db = Db.CreateContext();
        var secret = "sk_live_" + Guid.NewGuid().ToString("N");
        db.SystemConfig.Add(new SystemConfig { Key = "test.secret." + Guid.NewGuid().ToString("N")[..6], Value = JsonDocument.Parse($"\"{secret}\""), IsSensitive = true });
        var user = new AppUser { UserName = "audited@test.local", Email = "audited@test.local", PasswordHash = "AQAAAAIAAYagAAAAE-hash-value", SecurityStamp = "STAMP-123" };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);

        var rows = await db.AuditLog.AsNoTracking().Where(a => a.After != null).ToListAsync(Ct);
        var all = string.Join("\n", rows.Select(a => a.After!.RootElement.GetRawText()));
        Assert.DoesNotContain(secret, all);
        Assert.DoesNotContain("hash-value", all);
        Assert.DoesNotContain("STAMP-123", all);
        Assert.Contains("[redacted]", all);
    }

    [Fact]
    public async Task Weakened_password_policies_are_visible_in_the_log_while_secrets_stay_hidden()
    {
        await using var db = Db.CreateContext();
        var policy = await db.TenantPolicies.FirstAsync(Ct);
        var before = policy.PasswordMinLength;
        policy.PasswordMinLength = 6;
        policy.PasswordRequireSymbols = !(policy.PasswordRequireSymbols ?? false);
        db.UserTokens.Add(new Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>
        {
            UserId = (await db.Users.FirstAsync(Ct)).Id, LoginProvider = "[AspNetUserStore]", Name = "RecoveryCodes", Value = "CODE-1;CODE-2",
        });
        await db.SaveChangesAsync(Ct);

        var row = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "tenant_policies").OrderByDescending(a => a.Id).FirstAsync(Ct);
        Assert.Equal(6, row.After!.RootElement.GetProperty("password_min_length").GetInt32());
        Assert.Equal(before, row.Before!.RootElement.GetProperty("password_min_length").GetInt32());
        Assert.Equal(policy.PasswordRequireSymbols, row.After.RootElement.GetProperty("password_require_symbols").GetBoolean());
        var token = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "user_tokens").OrderByDescending(a => a.Id).FirstAsync(Ct);
        Assert.Equal("[redacted]", token.After!.RootElement.GetProperty("value").GetString());
        Assert.DoesNotContain("CODE-1", token.After.RootElement.GetRawText());
    }

    [Fact]
    public async Task Seeding_and_bookkeeping_are_not_audited()
    {
        await using var db = Db.CreateContext();
        Assert.False(await db.AuditLog.AnyAsync(a => a.EntityType == "smtp_ip_addresses", Ct));
        db.AuditEnabled = false;
        var vps = await db.VpsInstances.FirstAsync(Ct);
        vps.Region = vps.Region;
        await db.SaveChangesAsync(Ct);
        Assert.False(await db.AuditLog.AnyAsync(a => a.EntityType == "vps_instances", Ct));
    }

    [Fact]
    public async Task The_audit_service_filters_pages_and_refuses_users_without_audit_view()
    {
        await using (var db = Db.CreateContext())
        {
            for (var i = 0; i < 3; i++) db.Tenants.Add(new Tenant { Name = "Paged " + i, Slug = "paged-" + Guid.NewGuid().ToString("N")[..8] });
            await db.SaveChangesAsync(Ct);
        }
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            var service = scope.ServiceProvider.GetRequiredService<AuditService>();
            var page = await service.SearchAsync(new AuditFilter(Entity: "tenants", Action: "create"), 0, 2, Ct);
            Assert.True(page.Total.Count >= 3);
            Assert.False(page.Total.Estimated);
            Assert.Equal(2, page.Rows.Count);
            Assert.All(page.Rows, r => Assert.Equal("tenants", r.EntityType));
        }
        await using (var scope = await App.ScopeAsAsync(Demo.Support))
        {
            var service = scope.ServiceProvider.GetRequiredService<AuditService>();
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.SearchAsync(new AuditFilter(), 0, 10, Ct));
        }
    }

    [Fact]
    public async Task A_filter_on_an_action_also_finds_the_rows_of_the_name_it_replaced()
    {
        var entityId = Guid.NewGuid().ToString();
        await using (var db = Db.CreateContext())
        {
            foreach (var action in new[] { "assignment.expire", Data.Audit.AuditActions.IpExpireAssignment, Data.Audit.AuditActions.IpStatus })
                db.AuditLog.Add(new AuditLog { Action = action, EntityType = "domain_ip_assignments", EntityId = entityId, Created = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc) });
            await db.SaveChangesAsync(Ct);
        }
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var service = scope.ServiceProvider.GetRequiredService<AuditService>();
        foreach (var name in new[] { Data.Audit.AuditActions.IpExpireAssignment, "assignment.expire" })
        {
            var found = await service.SearchAsync(new AuditFilter(EntityId: entityId, Action: name), 0, 10, Ct);
            Assert.Equal(["assignment.expire", "ip.expire_assignment"], found.Rows.Select(r => r.Action).Order());
        }
    }

    [Fact]
    public async Task The_entity_filter_offers_every_entity_type_in_the_log_once_in_order()
    {
        await using (var db = Db.CreateContext())
        {
            db.Tenants.Add(new Tenant { Name = "Typed", Slug = "typed-" + Guid.NewGuid().ToString("N")[..8] });
            await db.SaveChangesAsync(Ct);
        }
        await using var read = Db.CreateContext();
        var expected = await read.AuditLog.Select(a => a.EntityType).Where(t => t != null).Distinct().OrderBy(t => t).ToListAsync(Ct);
        Assert.Contains("tenants", expected);
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        var types = await scope.ServiceProvider.GetRequiredService<AuditService>().EntityTypesAsync(Ct);
        Assert.Equal(expected, types);
    }

    [Fact]
    public async Task The_audit_page_and_its_export_answer_with_the_filters()
    {
        var client = await App.SignedInClientAsync(Demo.Ops);
        var csv = await client.GetStringAsync("/audit/export.csv?action=sign_in", Ct);
        Assert.StartsWith("time,actor,actor_id,action,entity", csv);
        Assert.Contains(",sign_in,users,", csv);
        Assert.DoesNotContain(",sign_out,", csv);
    }

    [Fact]
    public async Task A_total_above_the_exact_count_limit_is_the_planners_estimate_and_says_so()
    {
        await using (var db = Db.CreateContext())
        {
            for (var i = 0; i < 30; i++) db.Tenants.Add(new Tenant { Name = "Counted " + i, Slug = "counted-" + Guid.NewGuid().ToString("N")[..8] });
            await db.SaveChangesAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("ANALYZE audit_log", Ct);
        }
        long exact, planned;
        await using (var db = Db.CreateContext())
        {
            exact = await db.AuditLog.LongCountAsync(a => a.EntityType == "tenants", Ct);
            var explain = await db.Database.SqlQueryRaw<string>("EXPLAIN (FORMAT JSON) SELECT * FROM audit_log WHERE entity_type = 'tenants'").ToListAsync(Ct);
            planned = (long)JsonDocument.Parse(explain[0]).RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        }
        await using var scope = await App.ScopeAsAsync(Demo.Admin);
        AuditService With(long exactUpTo) => new(scope.ServiceProvider.GetRequiredService<IDbContextFactory<Data.InfraAdminDbContext>>(),
            scope.ServiceProvider.GetRequiredService<CurrentUser>(),
            Microsoft.Extensions.Options.Options.Create(new AuditOptions { ExactCountUpTo = exactUpTo }));

        // Expected to match more than the limit: the estimate, marked as one, and no COUNT over millions of rows.
        var estimated = await With(planned - 1).SearchAsync(new AuditFilter(Entity: "tenants"), 0, 10, Ct);
        Assert.Equal(new Infrastructure.GridTotal(planned, true), estimated.Total);
        Assert.Equal(10, estimated.Rows.Count);
        // Within the limit (the default is a million rows): counted exactly.
        var counted = await With(new AuditOptions().ExactCountUpTo).SearchAsync(new AuditFilter(Entity: "tenants"), 0, 10, Ct);
        Assert.Equal(new Infrastructure.GridTotal(exact, false), counted.Total);
    }

    [Theory]
    [InlineData("-1", "Audit:ExactCountUpTo must be a whole number of rows, 0 or more.")]
    [InlineData("a million", "Audit:ExactCountUpTo")]
    public async Task A_bad_exact_count_limit_stops_the_start_with_what_is_wrong_not_a_500_on_the_audit_page(string value, string message)
    {
        await using var app = new InfraAdminFactory(Db).WithWebHostBuilder(b => b.UseSetting("Audit:ExactCountUpTo", value));
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains(message, error is Microsoft.Extensions.Options.OptionsValidationException v ? v.Message : error.ToString());
    }
}
