using System.Text.Json;

namespace InfraAdmin.Infrastructure.Live;

/// <summary>
/// A form's values as one comparable string: a live page compares the form now with the form as loaded to tell an
/// untouched form (show the newer data) from an edit in progress (keep it, say the row changed underneath).
/// </summary>
public static class FormState
{
    public static string Of<T>(T form) => JsonSerializer.Serialize(form);
}
