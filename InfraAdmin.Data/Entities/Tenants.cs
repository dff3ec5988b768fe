using System.Text.Json;

namespace InfraAdmin.Data.Entities;

// Tenants, their settings and policies, and what they own (domains, campaigns, leads, email accounts).

public class Tenant
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Status { get; set; } = TenantStatus.Active;
    public string Plan { get; set; } = "starter";
    public decimal MonthlyRevenue { get; set; }
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }
    public uint Version { get; set; }

    public TenantConfig? Config { get; set; }
    public TenantPolicies? Policies { get; set; }
}

public static class TenantStatus
{
    public const string Active = "active";
    public const string Trial = "trial";
    public const string Suspended = "suspended";
    public static readonly string[] All = [Active, Trial, Suspended];
}

public static class TenantPlan
{
    public static readonly string[] All = ["starter", "growth", "scale", "enterprise"];
}

public class TenantConfig
{
    public Guid TenantId { get; set; }
    public string? StripeCustomerId { get; set; }
    public string? BillingEmail { get; set; }
    public JsonDocument? BillingAddress { get; set; }
    public bool? NotifyOnBillingChanges { get; set; }
    public bool? NotifyOnSystemUpdates { get; set; }
    public bool? NotifyOnSecurityAlerts { get; set; }
    public string? ThemePrimaryColor { get; set; }
    public string? ThemeLogoUrl { get; set; }
    public string? ThemeFaviconUrl { get; set; }
    public bool? UiSidebarDefaultCollapsed { get; set; }
    public string? UiDateFormat { get; set; }
    public string? UiTimezone { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
}

public class TenantPolicies
{
    public Guid TenantId { get; set; }
    public int? PasswordMinLength { get; set; }
    public bool? PasswordRequireUppercase { get; set; }
    public bool? PasswordRequireNumbers { get; set; }
    public bool? PasswordRequireSymbols { get; set; }
    public int? SessionTimeoutHours { get; set; }
    public int? MaxLoginAttempts { get; set; }
    public bool? TwoFactorRequired { get; set; }
    public string? CompanyDefaultStatus { get; set; }
    public bool? CompanyAllowMemberInvites { get; set; }
    public bool? CompanyAutoApproveMembers { get; set; }
    public bool? CompanyRequireEmailVerification { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
}

public class Domain
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string Name { get; set; } = "";
    public string Status { get; set; } = "active";
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }
    public uint Version { get; set; }

    public Tenant? Tenant { get; set; }
}

public class Campaign
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string Name { get; set; } = "";
    public string Status { get; set; } = "draft";
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }
    public uint Version { get; set; }
}

public class CampaignSequenceStep
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public int StepOrder { get; set; }
    public string Subject { get; set; } = "";
    public int DelayDays { get; set; }
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }
    public uint Version { get; set; }
}

public class Lead
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? CampaignId { get; set; }
    public string Email { get; set; } = "";
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string Status { get; set; } = "new";
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }
    public uint Version { get; set; }
}

public class EmailAccount
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? DomainId { get; set; }
    public string Email { get; set; } = "";
    public string Status { get; set; } = "active";
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }
    public uint Version { get; set; }
}
