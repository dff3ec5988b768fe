namespace InfraAdmin.Features.Tenants;

/// <summary>A row of the staff tenants list; users and domains are counted in SQL.</summary>
public sealed record TenantListRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Slug { get; init; } = "";
    public string Plan { get; init; } = "";
    public string Status { get; init; } = "";
    public decimal MonthlyRevenue { get; init; }
    public int Users { get; init; }
    public int Domains { get; init; }
}

public sealed record TenantListQuery(
    string? Search = null, string? Plan = null, string? Status = null, string? SortBy = null, bool Descending = false,
    int Page = 0, int PageSize = 25)
{
    /// <summary>The list's search, plan and status from a link's query string (the page and its CSV export); bad values go to <paramref name="f"/>.</summary>
    public static TenantListQuery FromQuery(InfraAdmin.Infrastructure.QueryFilters f, string? q, string? plan, string? status) =>
        new(f.Text("q", q), f.OneOf("plan", plan, Data.Entities.TenantPlan.All), f.OneOf("status", status, Data.Entities.TenantStatus.All));
}

public sealed record TenantListPage(int Total, IReadOnlyList<TenantListRow> Rows);

/// <summary>What staff with tenants.manage edit on a tenant.</summary>
public sealed class TenantEditForm
{
    public string Name { get; set; } = "";
    public string Plan { get; set; } = "starter";
    public string Status { get; set; } = "active";
    public decimal MonthlyRevenue { get; set; }
    public uint Version { get; set; }

    public TenantEditForm Copy() => (TenantEditForm)MemberwiseClone();
}

/// <summary>The tenant_config form; the billing address is kept as structured JSON.</summary>
public sealed class TenantSettingsForm
{
    public string? BillingEmail { get; set; }
    public string? AddressLine1 { get; set; }
    public string? AddressLine2 { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
    public bool NotifyOnBillingChanges { get; set; }
    public bool NotifyOnSystemUpdates { get; set; }
    public bool NotifyOnSecurityAlerts { get; set; }
    public string? PrimaryColor { get; set; }
    public string? LogoUrl { get; set; }
    public string? FaviconUrl { get; set; }
    public bool SidebarCollapsed { get; set; }
    public string? DateFormat { get; set; }
    public string? TimeZone { get; set; }
    public string? StripeCustomerId { get; set; }
    public uint Version { get; set; }
    public bool Exists { get; set; }

    public TenantSettingsForm Copy() => (TenantSettingsForm)MemberwiseClone();
}

/// <summary>The settings page's data: the form and what the caller may change.</summary>
public sealed record TenantSettingsView(Guid TenantId, string TenantName, TenantSettingsForm Form, bool CanEdit, bool CanEditStripe);

/// <summary>The tenant_policies form.</summary>
public sealed class TenantPoliciesForm
{
    public int PasswordMinLength { get; set; } = 8;
    public bool PasswordRequireUppercase { get; set; }
    public bool PasswordRequireNumbers { get; set; }
    public bool PasswordRequireSymbols { get; set; }
    public int SessionTimeoutHours { get; set; } = 8;
    public int MaxLoginAttempts { get; set; } = 5;
    public bool TwoFactorRequired { get; set; }
    public string DefaultStatus { get; set; } = "active";
    public bool AllowMemberInvites { get; set; } = true;
    public bool AutoApproveMembers { get; set; }
    public bool RequireEmailVerification { get; set; } = true;
    public uint Version { get; set; }
    public bool Exists { get; set; }

    public TenantPoliciesForm Copy() => (TenantPoliciesForm)MemberwiseClone();
}

public sealed record TenantPoliciesView(Guid TenantId, string TenantName, TenantPoliciesForm Form, bool CanEdit);

/// <summary>Whom a policy change affects, shown before a stricter policy is saved.</summary>
public sealed record PolicyImpact(
    int TenantUsers, int UsersWithout2fa, int SignInsEnded, bool PasswordRulesStricter, bool LockoutStricter)
{
    public bool IsStricter => UsersWithout2fa > 0 || SignInsEnded > 0 || PasswordRulesStricter || LockoutStricter;

    public IEnumerable<string> Messages()
    {
        if (UsersWithout2fa > 0)
            yield return $"{UsersWithout2fa} of {TenantUsers} users have not enrolled an authenticator app and must enrol before anything else.";
        if (SignInsEnded > 0)
            yield return $"{SignInsEnded} sign-ins are older than the new timeout and end now.";
        if (PasswordRulesStricter)
            yield return "Stricter password rules apply to the next password each user sets; current passwords keep working.";
        if (LockoutStricter)
            yield return "Accounts lock after fewer failed sign-ins.";
    }
}
