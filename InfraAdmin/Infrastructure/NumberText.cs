using System.Globalization;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// Numbers as typed into a form: parsed without coercion. A value that is missing, not a number or out of range gives
/// the rule to show beside the field, and the form keeps what was typed (MudNumericField would clamp it silently).
/// </summary>
public static class NumberText
{
    /// <summary>Null and the value when <paramref name="text"/> is a whole number from min to max, else the rule.</summary>
    public static string? WholeNumber(string? text, int min, int max, out int value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return "Required";
        // .NET's parser skips trailing NULs ("5\0" reads as 5): a NUL makes the text not a number.
        if (text.Contains('\0') || !int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            return $"A whole number between {min} and {max}";
        return value < min || value > max ? $"Between {min} and {max}" : null;
    }

    /// <summary>Like <see cref="WholeNumber"/>, but an empty field is fine and gives no value (an optional filter).</summary>
    public static string? OptionalWholeNumber(string? text, int min, int max, out int? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (WholeNumber(text, min, max, out var number) is { } rule) return rule;
        value = number;
        return null;
    }

    /// <summary>How a whole number is put back into a text field.</summary>
    public static string Format(int? number) => number?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>Null and the amount when <paramref name="text"/> is a sum of money from 0 to max with at most two decimals, else the rule.</summary>
    public static string? Money(string? text, bool required, decimal max, out decimal? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return required ? "Required" : null;
        if (text.Contains('\0')) return "Not a valid number";
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands,
                CultureInfo.CurrentCulture, out var amount)
            && !decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
            return "Not a valid number";
        if (MoneyRule(amount, required, max) is { } rule) return rule;
        value = amount;
        return null;
    }

    /// <summary>The rule a sum of money breaks (missing when required, below 0, above max, more than two decimals), or null.</summary>
    public static string? MoneyRule(decimal? amount, bool required, decimal max) => amount switch
    {
        null => required ? "Required" : null,
        < 0 => "Must be 0 or more",
        var v when v > max => $"At most {max:N2}",
        var v when decimal.Round(v.Value, 2) != v => "At most two decimals",
        _ => null,
    };

    /// <summary>How a stored amount is put back into a text field.</summary>
    public static string Format(decimal? amount) => amount?.ToString("0.00", CultureInfo.CurrentCulture) ?? "";
}
