using System.Reflection;
using System.Text.RegularExpressions;
using InfraAdmin.Data.Audit;
using InfraAdmin.Features.Platform;
using InfraAdmin.Features.Preferences;

namespace InfraAdmin.Tests.Unit;

/// <summary>The audit action catalog: one constant per stored action, unique, well-formed, and the stored values unchanged.</summary>
public sealed partial class AuditActionsTests
{
    private static readonly IReadOnlyList<FieldInfo> Constants = typeof(AuditActions)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .ToList();

    [Fact]
    public void Every_action_is_non_empty_lower_case_and_unique()
    {
        Assert.NotEmpty(Constants);
        var values = Constants.Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.All(values, v => Assert.Matches(ActionShape(), v));
        Assert.Equal(values.Count, values.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void All_lists_every_constant_once()
    {
        Assert.Equal(Constants.Select(f => (string)f.GetRawConstantValue()!), AuditActions.All);
    }

    [Fact]
    public void The_features_own_action_names_come_from_the_catalog()
    {
        Assert.Contains(SystemConfigService.RevealAction, AuditActions.All);
        Assert.Contains(SystemConfigService.RevertAction, AuditActions.All);
        Assert.Contains(WeeklyReportJob.SentAction, AuditActions.All);
    }

    [Fact]
    public void A_retired_name_is_no_longer_written_and_a_filter_on_either_name_finds_both()
    {
        Assert.All(AuditActions.Retired, r => Assert.DoesNotContain(r.Key, AuditActions.All));
        Assert.All(AuditActions.Retired, r => Assert.Contains(r.Value, AuditActions.All));
        Assert.Equal(["ip.expire_assignment", "assignment.expire"], AuditActions.Matching(AuditActions.IpExpireAssignment));
        Assert.Equal(["ip.expire_assignment", "assignment.expire"], AuditActions.Matching("assignment.expire"));
        Assert.Equal([AuditActions.IpAssign], AuditActions.Matching(AuditActions.IpAssign));
    }

    [Theory]
    // Stored values: rows already in audit_log are found by them, so a rename here would lose them.
    [InlineData(AuditActions.Create, "create")]
    [InlineData(AuditActions.SignInFailed, "sign_in_failed")]
    [InlineData(AuditActions.StaffRoleChange, "staff.role_change")]
    [InlineData(AuditActions.StaffRoleCreate, "staff.role.create")]
    [InlineData(AuditActions.ApiKeyCreate, "api_key.create")]
    [InlineData(AuditActions.TenantSettingsUpdate, "tenant.settings.update")]
    [InlineData(AuditActions.WeeklyReportSent, "weekly_report.sent")]
    public void Stored_values_keep_their_mixed_spelling(string constant, string stored) => Assert.Equal(stored, constant);

    [GeneratedRegex("^[a-z]+(_[a-z]+)*(\\.[a-z]+(_[a-z]+)*)*$")]
    private static partial Regex ActionShape();
}
