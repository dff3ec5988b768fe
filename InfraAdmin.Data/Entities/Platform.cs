using System.Text.Json;

namespace InfraAdmin.Data.Entities;

// The platform area: system configuration, feature flags and API keys.

public class SystemConfig
{
    public string Key { get; set; } = "";
    public JsonDocument? Value { get; set; }
    public string? Description { get; set; }
    public string? Category { get; set; }
    public bool? IsSensitive { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
}

public class FeatureFlag
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
    public string? Description { get; set; }
    public bool? IsEnabled { get; set; }
    public int? RolloutPercentage { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
}

/// <summary>A key for the platform's own services (for example the reputation checker). Only its hash is kept.</summary>
public class ApiKey
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public Guid? CreatedBy { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastUsed { get; set; }
    public DateTime? Revoked { get; set; }
    public uint Version { get; set; }
}
