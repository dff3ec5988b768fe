namespace InfraAdmin.Data.Audit;

/// <summary>Which values never reach an audit row.</summary>
public static class AuditRedaction
{
    public const string Redacted = "[redacted]";

    private static readonly string[] SensitiveFragments =
        ["password", "secret", "security_stamp", "concurrency_stamp", "key_hash", "token", "authenticator", "totp"];

    /// <summary>True for columns that hold secrets whatever the row (password hashes, stamps, key hashes).</summary>
    public static bool IsSensitiveColumn(string table, string column)
    {
        if (table == "user_tokens" && column == "value") return true;
        return SensitiveFragments.Any(column.Contains);
    }
}
