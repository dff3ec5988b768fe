using InfraAdmin.Authorization;
using InfraAdmin.Data;
using MudBlazor;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// What a form shows after <see cref="OperationRunner.TryAsync"/> refused an operation: a message beside each field
/// (<c>errors["Name"]</c>) and, for forms that show it in place, one <see cref="Message"/>.
/// </summary>
public sealed class FormErrors
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    /// <summary>Refusals (a rule, a stale edit, a missing row, a validation summary) go to <see cref="Message"/>, not a snackbar.</summary>
    public bool Inline { get; init; }

    /// <summary>A permission refusal goes to <see cref="Message"/> too (dialogs), not a snackbar.</summary>
    public bool PermissionInline { get; init; }

    /// <summary>Shown (like a refusal) when fields were refused and the service gave no summary of its own.</summary>
    public string? FieldsSummary { get; init; }

    public IReadOnlyDictionary<string, string> Fields { get; private set; } = NoFields;

    public string? Message { get; private set; }

    /// <summary>The last refusal was a stale edit: reloading is the way forward.</summary>
    public bool IsStale { get; private set; }

    public string? this[string field] => Fields.GetValueOrDefault(field);

    public void Clear() => (Fields, Message, IsStale) = (NoFields, null, false);

    /// <summary>Drops one field's message (the user typed in it again).</summary>
    public void ClearField(string field) => Fields = Fields.Where(f => f.Key != field).ToDictionary();

    internal void SetFields(IReadOnlyDictionary<string, string> fields) => Fields = fields;

    internal void SetMessage(string message, bool isStale) => (Message, IsStale) = (message, isStale);

    internal void MarkStale(bool isStale) => IsStale = isStale;
}

/// <summary>Runs a service call for a page and shows what the shared refusals say, so pages need no try/catch of their own.</summary>
public static class OperationRunner
{
    /// <summary>
    /// Runs <paramref name="work"/>; true when it succeeded. With <paramref name="errors"/>, field messages reach the fields and
    /// the rest goes where <see cref="FormErrors.Inline"/> says; without, every refusal becomes an error snackbar.
    /// </summary>
    public static async Task<bool> TryAsync(this ISnackbar snackbar, Func<Task> work, FormErrors? errors = null)
    {
        errors?.Clear();
        try
        {
            await work();
            return true;
        }
        catch (ValidationFailedException ex) when (errors is not null)
        {
            errors.SetFields(ex.Errors);
            if ((ex.Summary ?? errors.FieldsSummary) is { } summary) Show(snackbar, errors, summary, errors.Inline, isStale: false);
        }
        catch (OperationException ex)
        {
            Show(snackbar, errors, ex.Message, errors?.Inline == true, ex.IsStale);
        }
        catch (PermissionDeniedException ex)
        {
            Show(snackbar, errors, ex.Message, errors?.PermissionInline == true, isStale: false);
        }
        return false;
    }

    private static void Show(ISnackbar snackbar, FormErrors? errors, string message, bool inline, bool isStale)
    {
        if (inline) errors!.SetMessage(message, isStale);
        else
        {
            errors?.MarkStale(isStale);
            snackbar.Add(message, Severity.Error);
        }
    }
}
