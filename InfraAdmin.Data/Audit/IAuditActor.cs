namespace InfraAdmin.Data.Audit;

/// <summary>Who is making the change: a signed-in user, an API key, or the system.</summary>
public sealed record AuditActor(Guid? UserId, string Name, string? IpAddress = null);

/// <summary>Supplies the actor for audit rows; the web app resolves it from the signed-in user.</summary>
public interface IAuditActorAccessor
{
    ValueTask<AuditActor> GetActorAsync();
}

public sealed class SystemAuditActor : IAuditActorAccessor
{
    public static readonly AuditActor System = new(null, "system");
    public ValueTask<AuditActor> GetActorAsync() => ValueTask.FromResult(System);
}
