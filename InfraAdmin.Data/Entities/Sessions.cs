namespace InfraAdmin.Data.Entities;

/// <summary>
/// One sign-in (a browser's auth cookie), kept on the server so that signing out, removal, a password reset or
/// "sign out all others" ends it on every instance at once, whoever holds a copy of the cookie.
/// </summary>
public class UserSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public DateTime Created { get; set; }
    public DateTime LastSeen { get; set; }
    /// <summary>When the cookie itself expires (the user's session lifetime).</summary>
    public DateTime Expires { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTime? Ended { get; set; }
    /// <summary>Why it ended: <see cref="SessionEndReason"/>.</summary>
    public string? EndReason { get; set; }
}

public static class SessionEndReason
{
    public const string SignedOut = "signed_out";
    public const string SignedOutElsewhere = "signed_out_elsewhere";
    public const string PasswordReset = "password_reset";
    /// <summary>The security stamp changed: removed from staff or a tenant, or an invitation sent again.</summary>
    public const string AccessChanged = "access_changed";
    public static readonly string[] All = [SignedOut, SignedOutElsewhere, PasswordReset, AccessChanged];
}
