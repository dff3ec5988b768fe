using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.IpReputation;

/// <summary>
/// An IP's status and reputation as chips: neutral text (readable in both themes) with a coloured icon as the cue. Plain
/// markup, not components: the grid shows two per row (<see cref="LeanMarkup"/>).
/// </summary>
public static class IpChips
{
    public static RenderFragment Status(string? status) => LeanMarkup.Chip(status ?? "—", Icons.Material.Filled.Circle, status switch
    {
        "burned" => Color.Error,
        "quarantined" => Color.Error,
        "degraded" => Color.Warning,
        "warming" => Color.Info,
        "assigned" => Color.Primary,
        "warmed" => Color.Success,
        _ => Color.Default,
    });

    public static RenderFragment Reputation(string? reputation) => LeanMarkup.Chip(reputation ?? "—", Icons.Material.Filled.Shield, reputation switch
    {
        "critical" => Color.Error,
        "poor" => Color.Warning,
        "fair" => Color.Info,
        "good" => Color.Success,
        _ => Color.Default,
    });

    /// <summary>Beside a check older than the stale threshold.</summary>
    public static readonly RenderFragment Stale = LeanMarkup.Chip("stale", Icons.Material.Filled.Schedule, Color.Warning);
}
