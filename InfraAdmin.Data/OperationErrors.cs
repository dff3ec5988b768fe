namespace InfraAdmin.Data;

/// <summary>
/// The app's one family of refusals: every service throws these (and <c>PermissionDeniedException</c>), pages show them
/// through <c>OperationRunner</c>, endpoints map them through <c>OperationProblems</c>. The message is meant for the user.
/// </summary>
public abstract class OperationException(string message) : Exception(message)
{
    /// <summary>The data changed since the user loaded it: reloading (and redoing the edit) is the way forward.</summary>
    public bool IsStale => this is StaleEditException;
}

/// <summary>Input refused: field name → message (shown beside that field), and an optional summary for the whole form.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string> errors, string? summary = null)
    : OperationException(summary ?? string.Join(" ", errors.Values))
{
    public IReadOnlyDictionary<string, string> Errors { get; } = errors;

    /// <summary>The form-wide message, when the service gave one (otherwise the field messages say it all).</summary>
    public string? Summary { get; } = summary;

    public static void ThrowIfAny(IReadOnlyDictionary<string, string> errors, string? summary = null)
    {
        if (errors.Count > 0) throw new ValidationFailedException(errors, summary);
    }

    /// <summary>One field refused.</summary>
    public static ValidationFailedException For(string field, string message, string? summary = null) =>
        new(new Dictionary<string, string> { [field] = message }, summary);
}

/// <summary>Someone else saved the row since the user loaded it: nothing was overwritten; reloading is the way forward.</summary>
public sealed class StaleEditException(string? message = null, string? changedBy = null)
    : OperationException(message ?? DefaultMessage)
{
    public const string DefaultMessage = "Someone else changed this since you opened it. Reload to see their changes, then apply yours again.";

    /// <summary>Who saved in between, when the service knows.</summary>
    public string? ChangedBy { get; } = changedBy;
}

/// <summary>The thing asked for does not exist (any more).</summary>
public sealed class NotFoundException(string message) : OperationException(message);

/// <summary>A rule refused the action (the input is well-formed, but the action is not allowed now).</summary>
public sealed class RefusedException(string message) : OperationException(message);
