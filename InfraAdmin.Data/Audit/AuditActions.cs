using System.Reflection;

namespace InfraAdmin.Data.Audit;

/// <summary>
/// Every value written to <c>audit_log.action</c>, in one place. The values are stored: existing rows, saved filter
/// links and the CSV export find them by value, so they never change here, even where they are inconsistent.
/// They mix three shapes, kept as they were:
/// <list type="bullet">
/// <item>bare verbs for the interceptor's entity changes: <c>create</c>, <c>update</c>, <c>delete</c>;</item>
/// <item>snake_case account events without an area: <c>sign_in_failed</c>, <c>locked_out</c>;</item>
/// <item><c>area.verb</c> for service actions, with '_' inside words (<c>staff.role_change</c>, <c>api_key.create</c>)
/// and sometimes a third part (<c>staff.role.create</c>, <c>tenant.settings.update</c>).</item>
/// </list>
/// A new action should be <c>area.verb</c> (lower case, '_' inside a word) and added here; AuditActionsTests checks
/// that the values stay unique and well-formed. A name no longer written moves to <see cref="Retired"/>, so that a
/// filter on either name still finds its rows.
/// </summary>
public static class AuditActions
{
    // Entity changes seen by the AuditInterceptor (unless a service names the action).
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";

    // Sign-in and account events (AppSignInManager).
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in_failed";
    public const string SignInPasswordOk = "sign_in_password_ok";
    public const string SignInRefusedLocked = "sign_in_refused_locked";
    public const string LockedOut = "locked_out";
    public const string SignOut = "sign_out";

    // The signed-in user's own account (/account and /account/two-factor).
    public const string AccountPasswordChange = "account.password_change";
    public const string AccountTwoFactorEnable = "account.two_factor_enable";
    public const string AccountTwoFactorDisable = "account.two_factor_disable";
    public const string AccountRecoveryCodesRegenerate = "account.recovery_codes_regenerate";

    // Sessions.
    public const string SessionEnd = "session.end";
    public const string SessionEndOthers = "session.end_others";

    // Preferences and the weekly report.
    public const string PreferencesUpdate = "preferences.update";
    public const string WeeklyReportSent = "weekly_report.sent";

    // Staff and roles.
    public const string StaffAdd = "staff.add";
    public const string StaffInvite = "staff.invite";
    public const string StaffRoleChange = "staff.role_change";
    public const string StaffNotes = "staff.notes";
    public const string StaffRemove = "staff.remove";
    public const string StaffSessionsEnd = "staff.sessions_end";
    public const string StaffUnlock = "staff.unlock";
    public const string StaffPasswordResetSent = "staff.password_reset_sent";
    public const string StaffRoleCreate = "staff.role.create";
    public const string StaffRoleUpdate = "staff.role.update";
    public const string StaffRoleDelete = "staff.role.delete";
    public const string StaffPermissionGrant = "staff.permission.grant";
    public const string StaffPermissionRevoke = "staff.permission.revoke";

    // IP reputation.
    public const string IpAssign = "ip.assign";
    public const string IpReassign = "ip.reassign";
    public const string IpExpireAssignment = "ip.expire_assignment";
    public const string IpQuarantine = "ip.quarantine";
    public const string IpBurn = "ip.burn";
    public const string IpRelease = "ip.release";
    public const string IpStatus = "ip.status";
    public const string IpCheck = "ip.check";

    // VPS fleet and its scheduled jobs.
    public const string VpsCreate = "vps.create";
    public const string VpsUpdate = "vps.update";
    public const string VpsDecommissionSchedule = "vps.decommission_schedule";
    public const string VpsDecommissionCancel = "vps.decommission_cancel";
    public const string VpsDecommission = "vps.decommission";
    public const string VpsBillingRollForward = "vps.billing_roll_forward";

    // Platform.
    public const string ApiKeyCreate = "api_key.create";
    public const string ApiKeyRevoke = "api_key.revoke";
    public const string ConfigReveal = "config.reveal";
    public const string ConfigRevert = "config.revert";

    // Tenants.
    public const string TenantUpdate = "tenant.update";
    public const string TenantSettingsUpdate = "tenant.settings.update";
    public const string TenantPoliciesUpdate = "tenant.policies.update";
    public const string TenantMemberRemove = "tenant.member.remove";

    // Alerts: acknowledged with a note (raising and resolving are the alerts table's own record, not audited).
    public const string AlertAcknowledge = "alert.acknowledge";

    // The audit log itself: a month past the retention exported to a file and dropped (AuditArchiveJob).
    public const string AuditArchive = "audit.archive";

    /// <summary>Names once written and no longer, with the action now written instead; their rows stay in the log.</summary>
    public static readonly IReadOnlyDictionary<string, string> Retired = new Dictionary<string, string>
    {
        // The VPS decommission job's expiries, before the job used the IP area's rule (and its name).
        ["assignment.expire"] = IpExpireAssignment,
    };

    /// <summary>The stored values a filter on <paramref name="action"/> finds: the action and the names retired into it.</summary>
    public static IReadOnlyList<string> Matching(string action)
    {
        var current = Retired.GetValueOrDefault(action, action);
        return [current, .. Retired.Where(r => r.Value == current).Select(r => r.Key)];
    }

    /// <summary>Every action above, in declaration order (the audit page offers them as filter suggestions).</summary>
    public static readonly IReadOnlyList<string> All = typeof(AuditActions)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();
}
