using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>Creates the test's own IPs (never the demo's), written without audit as seeding would.</summary>
internal static class IpTestData
{
    private static int _next;

    public static async Task<SmtpIpAddress> NewIpAsync(TestDatabase db, string status, string reputation = ReputationState.Good,
        Guid? vps = null, DateTime? lastCheck = null, string? blacklist = null)
    {
        await using var context = db.CreateContext();
        context.AuditEnabled = false;
        var n = Interlocked.Increment(ref _next);
        var ip = new SmtpIpAddress
        {
            IpAddress = $"10.{Random.Shared.Next(1, 250)}.{n / 250}.{n % 250}", Status = status, ReputationState = reputation,
            VpsInstanceId = vps ?? Demo.FirstVps, AssignedCount = 0, ApproximateCost = 3m,
            LastReputationCheck = lastCheck ?? DateTime.UtcNow.AddHours(-1),
            ProviderBlacklistStatus = blacklist is null ? null : System.Text.Json.JsonDocument.Parse(blacklist),
        };
        context.SmtpIpAddresses.Add(ip);
        await context.SaveChangesAsync();
        return ip;
    }
}
