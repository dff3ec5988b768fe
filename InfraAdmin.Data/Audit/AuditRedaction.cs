namespace InfraAdmin.Data.Audit;

/// <summary>
/// Which values never reach an audit row: an explicit list of the columns that hold secrets (hashes, stamps,
/// tokens, TOTP keys, recovery codes, API key hashes, data-protection keys), plus the value of a sensitive
/// <c>system_config</c> row. Named, not matched by fragment: <c>tenant_policies.password_min_length</c> is a rule
/// people must see change, not a secret.
/// </summary>
public static class AuditRedaction
{
    public const string Redacted = "[redacted]";

    private static readonly HashSet<(string Table, string Column)> SecretColumns =
    [
        ("users", "password_hash"),
        ("users", "security_stamp"),
        ("users", "concurrency_stamp"),
        // Identity keeps the authenticator (TOTP) key, the recovery codes and any other tokens here.
        ("user_tokens", "value"),
        ("api_keys", "key_hash"),
        ("data_protection_keys", "xml"),
    ];

    /// <summary>True for columns that hold secrets whatever the row.</summary>
    public static bool IsSensitiveColumn(string table, string column) => SecretColumns.Contains((table, column));
}
