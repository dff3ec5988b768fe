using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// MudBlazor's look for display-only pieces repeated in every row (a link, a chip with an icon), written as plain markup
/// with MudBlazor's own classes instead of one component each. A component costs its circuit about 5 KB for as long as
/// the page is open (its object, parameters and two render trees); a grid of 25 rows with three of them per row is
/// 75 components, a third of a page's memory (issue 17: 1 MB per open page; docs/decisions/0010-lean-markup.md). Use the
/// components wherever the piece is interactive or appears a few times only.
/// </summary>
public static class LeanMarkup
{
    /// <summary>The classes of a <c>MudLink</c> with its defaults (primary colour, underlined on hover): <c>&lt;a class="@LeanMarkup.Link"&gt;</c>.</summary>
    public const string Link = "mud-typography mud-link mud-primary-text mud-link-underline-hover";

    /// <summary>
    /// The classes of a small outlined <c>MudButton</c> in the default colour, for a row's action written as
    /// <c>&lt;button type="button" class="@LeanMarkup.SmallOutlinedButton" @onclick="…"&gt;&lt;span class="mud-button-label"&gt;Edit&lt;/span&gt;&lt;/button&gt;</c>.
    /// </summary>
    public const string SmallOutlinedButton = "mud-button-root mud-button mud-button-outlined mud-button-outlined-default mud-button-outlined-size-small mud-ripple";

    /// <summary>The classes of a small text <c>MudButton</c> in the default colour (on an <c>&lt;a href&gt;</c> for a link that looks like a button).</summary>
    public const string SmallTextButton = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-small mud-ripple";

    /// <summary>A small outlined <c>MudChip</c> with a coloured icon (an SVG from <c>Icons.Material</c>) and neutral text, as MudChip renders it.</summary>
    public static RenderFragment Chip(string text, string icon, MudBlazor.Color iconColor) =>
        b => WriteChip(b, text, "mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-default", icon, iconColor, testId: null);

    /// <summary>A small filled <c>MudChip</c> in <paramref name="color"/>, without an icon (<paramref name="testId"/>: its <c>data-testid</c>).</summary>
    public static RenderFragment FilledChip(string text, MudBlazor.Color color, string? testId = null) =>
        b => WriteChip(b, text, $"mud-chip mud-chip-filled mud-chip-size-small mud-chip-color-{Name(color)}", icon: null, MudBlazor.Color.Default, testId);

    /// <summary>
    /// A row's selection checkbox as <c>MudCheckBox</c> renders it (medium, default colour), named for screen readers by
    /// <paramref name="label"/>: a native checkbox, so Tab reaches it and Space toggles it. A click on it does not reach
    /// the row.
    /// </summary>
    public static RenderFragment CheckBox(bool isChecked, string label, EventCallback<ChangeEventArgs> onChange) => b =>
    {
        b.OpenElement(0, "label");
        b.AddAttribute(1, "class", "mud-checkbox mud-input-content-placement-end");
        b.AddEventStopPropagationAttribute(2, "onclick", true);
        b.OpenElement(3, "span");
        b.AddAttribute(4, "class", "mud-button-root mud-icon-button mud-default-text hover:mud-default-hover mud-ripple mud-ripple-checkbox "
            + (isChecked ? "mud-checkbox-true" : "mud-checkbox-false"));
        b.OpenElement(5, "input");
        b.AddAttribute(6, "type", "checkbox");
        b.AddAttribute(7, "class", "mud-checkbox-input");
        b.AddAttribute(8, "aria-label", label);
        b.AddAttribute(9, "checked", isChecked);
        b.AddAttribute(10, "onchange", onChange);
        b.CloseElement();
        b.OpenElement(11, "svg");
        b.AddAttribute(12, "class", "mud-icon-root mud-svg-icon mud-icon-size-medium");
        b.AddAttribute(13, "focusable", "false");
        b.AddAttribute(14, "viewBox", "0 0 24 24");
        b.AddAttribute(15, "aria-hidden", "true");
        b.AddAttribute(16, "role", "img");
        b.AddMarkupContent(17, isChecked ? MudBlazor.Icons.Material.Filled.CheckBox : MudBlazor.Icons.Material.Filled.CheckBoxOutlineBlank);
        b.CloseElement();
        b.CloseElement();
        b.CloseElement();
    };

    private static string Name(MudBlazor.Color color) => color.ToString().ToLowerInvariant();

    private static void WriteChip(RenderTreeBuilder b, string text, string classes, string? icon, MudBlazor.Color iconColor, string? testId)
    {
        b.OpenElement(0, "div");
        b.AddAttribute(1, "class", "mud-chip-container");
        b.OpenElement(2, "div");
        b.AddAttribute(3, "tabindex", "-1");
        b.AddAttribute(4, "data-testid", testId); // null: no attribute
        b.AddAttribute(5, "class", classes);
        if (icon is not null)
        {
            b.OpenElement(6, "svg");
            b.AddAttribute(7, "class", iconColor == MudBlazor.Color.Default
                ? "mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-small mud-chip-icon"
                : $"mud-icon-root mud-svg-icon mud-{Name(iconColor)}-text mud-icon-size-small mud-chip-icon");
            b.AddAttribute(8, "focusable", "false");
            b.AddAttribute(9, "viewBox", "0 0 24 24");
            b.AddAttribute(10, "aria-hidden", "true");
            b.AddAttribute(11, "role", "img");
            b.AddMarkupContent(12, icon); // a constant of Icons.Material, never user input
            b.CloseElement();
        }
        b.OpenElement(13, "span");
        b.AddAttribute(14, "class", "mud-chip-content");
        b.AddContent(15, text); // text content: encoded
        b.CloseElement();
        b.CloseElement();
        b.CloseElement();
    }
}
