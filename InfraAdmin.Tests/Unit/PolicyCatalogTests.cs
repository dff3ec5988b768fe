using System.Reflection;
using InfraAdmin.Authorization;

namespace InfraAdmin.Tests.Unit;

/// <summary>The policy-name constants of <see cref="Policies"/> and the permission catalog match one to one.</summary>
public sealed class PolicyCatalogTests
{
    private static readonly IReadOnlyList<(string Field, string Value)> PermissionPolicies =
        typeof(Policies).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name != nameof(Policies.PermissionPrefix))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!))
            .Where(f => f.Item2.StartsWith(Policies.PermissionPrefix, StringComparison.Ordinal))
            .ToList();

    [Fact]
    public void Every_permission_of_the_catalog_has_its_policy_constant()
    {
        var names = PermissionPolicies.Select(p => p.Value).ToHashSet(StringComparer.Ordinal);
        var missing = Permissions.All.Select(p => Policies.For(p.Name)).Where(p => !names.Contains(p)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_policy_constant_names_a_catalog_permission_under_its_own_name()
    {
        Assert.Equal(Permissions.All.Count, PermissionPolicies.Count);
        foreach (var (field, value) in PermissionPolicies)
        {
            var permission = value[Policies.PermissionPrefix.Length..];
            Assert.Contains(permission, Permissions.Names);
            // "vps.view" is VpsView: a constant cannot name one permission and hold another.
            var expected = string.Concat(permission.Split('.').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
            Assert.Equal(expected, field);
        }
    }

    [Fact]
    public async Task The_policy_provider_builds_a_policy_for_every_constant()
    {
        var provider = new PermissionPolicyProvider(Microsoft.Extensions.Options.Options.Create(new Microsoft.AspNetCore.Authorization.AuthorizationOptions()));
        foreach (var (_, value) in PermissionPolicies)
        {
            var policy = await provider.GetPolicyAsync(value);
            Assert.NotNull(policy);
            Assert.Contains(policy.Requirements, r => r is PermissionRequirement p && Policies.For(p.Permission) == value);
        }
    }
}
