using InfraAdmin.Authorization;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Audit;

namespace InfraAdmin.Benchmarks;

/// <summary>Each dashboard's server-side work as its page does it, beside the plainest SQL for the same result.</summary>
public static class DashboardCases
{
    private const string Admin = DemoSeeder.Accounts.Admin;

    public static IReadOnlyList<(string User, Case Case)> All =>
    [
        (Admin, new Case("Audit page (first 25, no filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(), 0, 25),
            "SELECT count(*) FROM audit_log; SELECT * FROM audit_log ORDER BY created DESC, id DESC LIMIT 25", 100)),
        (Admin, new Case("Audit page (entity filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(Entity: "users", Action: "sign_in"), 0, 25),
            "SELECT count(*) FROM audit_log WHERE entity_type = 'users' AND action = 'sign_in'; SELECT * FROM audit_log WHERE entity_type = 'users' AND action = 'sign_in' ORDER BY created DESC, id DESC LIMIT 25", 100)),
        (Admin, new Case("Permission check (cached)",
            async sp =>
            {
                var store = sp.GetRequiredService<PermissionStore>();
                var access = await store.GetAsync(SeedIds.For("user:" + Admin));
                if (!access.Has(Permissions.Ip.View)) throw new InvalidOperationException("admin lacks ip.view");
            },
            $"SELECT p.name FROM staff_members s JOIN staff_role_permissions rp ON rp.role_id = s.role_id JOIN permissions p ON p.id = rp.permission_id WHERE s.user_id = '{SeedIds.For("user:" + Admin)}'", 1)),
    ];

    /// <summary>Timings that are not a page, reported on their own (for example the cost roll-up's full rebuild).</summary>
    public static Task<IReadOnlyList<string>> ExtrasAsync(Harness harness) => Task.FromResult<IReadOnlyList<string>>([]);
}
