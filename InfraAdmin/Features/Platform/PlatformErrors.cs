namespace InfraAdmin.Features.Platform;

/// <summary>Input the platform services refuse, with one message per field (shown beside that field).</summary>
public sealed class PlatformValidationException(IReadOnlyDictionary<string, string> errors)
    : Exception(string.Join(" ", errors.Values))
{
    public IReadOnlyDictionary<string, string> Errors { get; } = errors;

    public static void ThrowIfAny(Dictionary<string, string> errors)
    {
        if (errors.Count > 0) throw new PlatformValidationException(errors);
    }
}

/// <summary>Someone else saved the row since the user loaded it: nothing was overwritten.</summary>
public sealed class StaleEditException(string message) : Exception(message);
