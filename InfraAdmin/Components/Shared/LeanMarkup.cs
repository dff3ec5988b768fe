using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

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

    /// <summary>A small outlined <c>MudChip</c> with a coloured icon (an SVG from <c>Icons.Material</c>) and neutral text, as MudChip renders it.</summary>
    public static RenderFragment Chip(string text, string icon, MudBlazor.Color iconColor) => builder => WriteChip(builder, text, icon, iconColor);

    /// <summary>A small filled <c>MudChip</c> in <paramref name="color"/>, without an icon (<paramref name="testId"/>: its <c>data-testid</c>).</summary>
    public static RenderFragment FilledChip(string text, MudBlazor.Color color, string? testId = null) => b =>
    {
        b.OpenElement(0, "div");
        b.AddAttribute(1, "class", "mud-chip-container");
        b.OpenElement(2, "div");
        b.AddAttribute(3, "tabindex", "-1");
        b.AddAttribute(4, "data-testid", testId);
        b.AddAttribute(5, "class", $"mud-chip mud-chip-filled mud-chip-size-small mud-chip-color-{color.ToString().ToLowerInvariant()}");
        b.OpenElement(6, "span");
        b.AddAttribute(7, "class", "mud-chip-content");
        b.AddContent(8, text);
        b.CloseElement();
        b.CloseElement();
        b.CloseElement();
    };

    private static void WriteChip(RenderTreeBuilder b, string text, string icon, MudBlazor.Color iconColor)
    {
        b.OpenElement(0, "div");
        b.AddAttribute(1, "class", "mud-chip-container");
        b.OpenElement(2, "div");
        b.AddAttribute(3, "tabindex", "-1");
        b.AddAttribute(4, "class", "mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-default");
        b.OpenElement(5, "svg");
        b.AddAttribute(6, "class", iconColor == MudBlazor.Color.Default
            ? "mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-small mud-chip-icon"
            : $"mud-icon-root mud-svg-icon mud-{iconColor.ToString().ToLowerInvariant()}-text mud-icon-size-small mud-chip-icon");
        b.AddAttribute(7, "focusable", "false");
        b.AddAttribute(8, "viewBox", "0 0 24 24");
        b.AddAttribute(9, "aria-hidden", "true");
        b.AddAttribute(10, "role", "img");
        b.AddMarkupContent(11, icon); // a constant of Icons.Material, never user input
        b.CloseElement();
        b.OpenElement(12, "span");
        b.AddAttribute(13, "class", "mud-chip-content");
        b.AddContent(14, text); // text content: encoded
        b.CloseElement();
        b.CloseElement();
        b.CloseElement();
    }
}
