using System.Net;
using System.Net.Sockets;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Vps;

/// <summary>Validation of the VPS form, shared by the page (messages beside fields) and the service (the gate).</summary>
public static class VpsRules
{
    public const decimal MaxMonthlyCost = 99_999_999.99m; // numeric(10,2)
    public const decimal MaxApproximateCost = 999_999.99m; // numeric(8,2)

    /// <summary>The statuses a user may pick on the form; the others are reached by scheduling a decommission.</summary>
    public static readonly string[] EditableStatuses = [VpsStatus.Active, VpsStatus.Provisioning];

    public static Dictionary<string, string> Validate(VpsForm f)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(f.ProviderId)) errors[nameof(f.ProviderId)] = "Enter the provider's instance id.";
        else if (f.ProviderId.Trim().Length > 255) errors[nameof(f.ProviderId)] = "At most 255 characters.";
        if (!IsIpAddress(f.IpAddress)) errors[nameof(f.IpAddress)] = "Enter an IPv4 or IPv6 address.";
        if (string.IsNullOrWhiteSpace(f.Region)) errors[nameof(f.Region)] = "Enter the region.";
        else if (f.Region.Trim().Length > 50) errors[nameof(f.Region)] = "At most 50 characters.";
        if (!EditableStatuses.Contains(f.Status)) errors[nameof(f.Status)] = "Choose active or provisioning.";
        if (!BillingPeriod.IsValidDay(f.BillingDay)) errors[nameof(f.BillingDay)] = "Between 1 and 31";
        if (NumberText.MoneyRule(f.MonthlyCost, required: true, MaxMonthlyCost) is { } m) errors[nameof(f.MonthlyCost)] = m;
        if (NumberText.MoneyRule(f.ApproximateCost, required: false, MaxApproximateCost) is { } a) errors[nameof(f.ApproximateCost)] = a;
        return errors;
    }

    public static bool IsIpAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text) && text.Trim().Length <= 45
        && IPAddress.TryParse(text.Trim(), out var ip) && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
        && (ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Trim().Count(c => c == '.') == 3);
}
