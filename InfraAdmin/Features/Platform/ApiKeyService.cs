using System.Security.Cryptography;
using System.Text;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Platform;

public sealed record ApiKeyRow(Guid Id, string Name, string Prefix, DateTime Created, string? CreatedBy, DateTime? LastUsed, DateTime? Revoked, uint Version)
{
    public bool IsActive => Revoked is null;
}

/// <summary>A new key: <see cref="Secret"/> is shown once and never stored.</summary>
public sealed record CreatedApiKey(ApiKeyRow Key, string Secret);

/// <summary>A caller authenticated by an API key. Only <see cref="ApiKeyService.AuthenticateAsync"/> makes one.</summary>
public sealed class ApiKeyIdentity
{
    internal ApiKeyIdentity(Guid id, string name) => (Id, Name) = (id, name);
    public Guid Id { get; }
    public string Name { get; }
}

/// <summary>Keys for the platform's own services (config.manage): created (shown once), listed, revoked; only a SHA-256 hash is kept.</summary>
public sealed class ApiKeyService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, TimeProvider clock)
{
    public const string KeyPrefix = "iak_";
    public const int PrefixLength = 12;

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.Revoked != null).ThenBy(k => k.Name)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.Created,
                db.Users.Where(u => u.Id == k.CreatedBy).Select(u => u.Email).FirstOrDefault(), k.LastUsed, k.Revoked, k.Version))
            .ToListAsync(ct);
    }

    public async Task<CreatedApiKey> CreateAsync(string name, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 100) throw ValidationFailedException.For("Name", "Give the key a name of 1–100 characters (what uses it).");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ApiKeys.AnyAsync(k => k.Revoked == null && k.Name == trimmed, ct))
            throw ValidationFailedException.For("Name", $"An active key named '{trimmed}' exists; pick another name so the audit log can tell them apart.");
        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Name = trimmed, Prefix = secret[..PrefixLength], KeyHash = Hash(secret), CreatedBy = await currentUser.GetUserIdAsync(),
            Created = clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        db.AuditAction = AuditActions.ApiKeyCreate;
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(new ApiKeyRow(key.Id, key.Name, key.Prefix, key.Created, null, null, null, key.Version), secret);
    }

    public async Task RevokeAsync(Guid id, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct) ?? throw new NotFoundException("That key does not exist (any more).");
        if (key.Revoked is not null) throw new RefusedException("That key is already revoked.");
        db.Entry(key).Property(k => k.Version).OriginalValue = seenVersion;
        key.Revoked = clock.GetUtcNow().UtcDateTime;
        db.AuditAction = AuditActions.ApiKeyRevoke;
        await db.SaveOrStaleAsync(ct, "Someone else changed this key since you loaded the page; reload and try again.");
    }

    /// <summary>The active key matching the presented secret, else null. Marks it used (bookkeeping, not audited).</summary>
    public async Task<ApiKeyIdentity?> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(presented) || !presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 200) return null;
        var hash = Hash(presented.Trim());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.Revoked == null)
            .Select(k => new { k.Id, k.Name }).FirstOrDefaultAsync(ct);
        if (key is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsed == null || k.LastUsed < now.AddMinutes(-1)))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsed, now), ct);
        return new ApiKeyIdentity(key.Id, key.Name);
    }

    /// <summary>SHA-256 of the key, lowercase hex.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
