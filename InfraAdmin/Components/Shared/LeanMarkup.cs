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
    public static RenderFragment Chip(string text, string icon, MudBlazor.Color iconColor)
    {
        var html = ChipHtml(text, "mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-default", icon, iconColor, testId: null);
        return b => b.AddMarkupContent(0, html);
    }

    /// <summary>A small filled <c>MudChip</c> in <paramref name="color"/>, without an icon (<paramref name="testId"/>: its <c>data-testid</c>).</summary>
    public static RenderFragment FilledChip(string text, MudBlazor.Color color, string? testId = null)
    {
        var html = ChipHtml(text, $"mud-chip mud-chip-filled mud-chip-size-small mud-chip-color-{Name(color)}", icon: null, MudBlazor.Color.Default, testId);
        return b => b.AddMarkupContent(0, html);
    }

    /// <summary>
    /// A row's selection checkbox as <c>MudCheckBox</c> renders it (medium, default colour), named for screen readers by
    /// <paramref name="label"/>: a native checkbox, so Tab reaches it and Space toggles it. A click on it does not reach
    /// the row.
    /// </summary>
    public static RenderFragment CheckBox(bool isChecked, string label, EventCallback<ChangeEventArgs> onChange) => b =>
    {
        b.OpenElement(0, "label");
        b.AddAttribute(1, "class", "mud-checkbox mud-input-content-placement-end");
        b.AddAttribute(2, StopClickPropagation, true);
        Box(b, isChecked ? CheckedClasses : UncheckedClasses, isChecked, label, onChange);
        b.CloseElement();
    };

    /// <summary>
    /// A form's checkbox with its label beside it, as a dense <c>MudCheckBox</c> with a <c>Label</c> renders it: the label
    /// text names it, Tab reaches it and Space toggles it. <paramref name="onChange"/> gets the new value (<c>e.Value is true</c>).
    /// </summary>
    public static RenderFragment LabeledCheckBox(bool isChecked, string label, EventCallback<ChangeEventArgs> onChange, string? testId = null) => b =>
    {
        b.OpenElement(0, "label");
        b.AddAttribute(1, "class", "mud-checkbox mud-input-content-placement-end");
        b.AddAttribute(2, "data-testid", testId);
        Box(b, isChecked ? DenseCheckedClasses : DenseUncheckedClasses, isChecked, ariaLabel: null, onChange);
        b.OpenElement(3, "span");
        b.AddAttribute(4, "class", "mud-typography mud-typography-body1");
        b.AddContent(5, label);
        b.CloseElement();
        b.CloseElement();
    };

    /// <summary>The box of a checkbox: MudCheckBox's icon button around the native input and its checked or empty icon.</summary>
    private static void Box(RenderTreeBuilder b, string classes, bool isChecked, string? ariaLabel, EventCallback<ChangeEventArgs> onChange)
    {
        b.OpenRegion(0);
        b.OpenElement(1, "span");
        b.AddAttribute(2, "class", classes);
        b.OpenElement(3, "input");
        b.AddAttribute(4, "type", "checkbox");
        b.AddAttribute(5, "class", "mud-checkbox-input");
        b.AddAttribute(6, "aria-label", ariaLabel);
        b.AddAttribute(7, "checked", isChecked);
        b.AddAttribute(8, "onchange", onChange);
        b.CloseElement();
        b.AddMarkupContent(9, isChecked ? CheckedIcon : UncheckedIcon);
        b.CloseElement();
        b.CloseRegion();
    }

    /// <summary>
    /// An outlined <c>MudButton</c> with a start icon, as a link (<c>Href</c>): a CSV export, say. <paramref name="icon"/> is
    /// a constant of <c>Icons.Material</c>.
    /// </summary>
    public static RenderFragment OutlinedLink(string href, string text, string icon, string? testId = null) => b =>
    {
        b.OpenElement(0, "a");
        b.AddAttribute(1, "href", href);
        b.AddAttribute(2, "class", OutlinedButton);
        b.AddAttribute(3, "data-testid", testId);
        b.OpenElement(4, "span");
        b.AddAttribute(5, "class", "mud-button-label");
        b.AddMarkupContent(6, StartIcon(icon));
        b.AddContent(7, text);
        b.CloseElement();
        b.CloseElement();
    };

    /// <summary>The classes of a <c>MudButton</c>, outlined, in the default colour and size.</summary>
    public const string OutlinedButton = "mud-button-root mud-button mud-button-outlined mud-button-outlined-default mud-button-outlined-size-medium mud-ripple";

    private static readonly SharedInstances<string, string> StartIcons = new(64);
    private static string StartIcon(string icon) => StartIcons.Get(icon, static i =>
        "<span class=\"mud-button-icon-start mud-button-icon-size-medium\">" + Svg("mud-icon-root mud-svg-icon mud-icon-size-medium", i) + "</span>");

    // What AddEventStopPropagationAttribute(…, "onclick", true) writes, without building the name again for every row.
    private const string StopClickPropagation = "__internal_stopPropagation_onclick";
    private const string CheckBoxClasses = "mud-button-root mud-icon-button mud-default-text hover:mud-default-hover mud-ripple mud-ripple-checkbox ";
    private const string CheckedClasses = CheckBoxClasses + "mud-checkbox-true";
    private const string UncheckedClasses = CheckBoxClasses + "mud-checkbox-false";
    private const string DenseCheckBoxClasses = "mud-button-root mud-icon-button mud-default-text hover:mud-default-hover mud-checkbox-dense mud-ripple mud-ripple-checkbox ";
    private const string DenseCheckedClasses = DenseCheckBoxClasses + "mud-checkbox-true";
    private const string DenseUncheckedClasses = DenseCheckBoxClasses + "mud-checkbox-false";
    private static readonly string CheckedIcon = Svg("mud-icon-root mud-svg-icon mud-icon-size-medium", MudBlazor.Icons.Material.Filled.CheckBox);
    private static readonly string UncheckedIcon = Svg("mud-icon-root mud-svg-icon mud-icon-size-medium", MudBlazor.Icons.Material.Filled.CheckBoxOutlineBlank);

    private static string Name(MudBlazor.Color color) => color.ToString().ToLowerInvariant();

    /// <summary>
    /// A chip as one markup string: one render tree frame in a row instead of fifteen. Chips repeat (a status, a
    /// severity), so each distinct chip is built once and shared by every row and open page (at most 1,024 kept: the
    /// text is data, not a closed list).
    /// </summary>
    private static string ChipHtml(string text, string classes, string? icon, MudBlazor.Color iconColor, string? testId) =>
        SharedChips.Get((text, classes, icon, iconColor, testId), static k => BuildChip(k.Text, k.Classes, k.Icon, k.IconColor, k.TestId));

    private static string BuildChip(string text, string classes, string? icon, MudBlazor.Color iconColor, string? testId)
    {
        var html = new System.Text.StringBuilder("<div class=\"mud-chip-container\"><div tabindex=\"-1\"");
        if (testId is not null) html.Append(" data-testid=\"").Append(Encoder.Encode(testId)).Append('"');
        html.Append(" class=\"").Append(classes).Append("\">");
        if (icon is not null)
            html.Append(Svg(iconColor == MudBlazor.Color.Default
                ? "mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-small mud-chip-icon"
                : $"mud-icon-root mud-svg-icon mud-{Name(iconColor)}-text mud-icon-size-small mud-chip-icon", icon));
        html.Append("<span class=\"mud-chip-content\">").Append(Encoder.Encode(text)).Append("</span></div></div>");
        return html.ToString();
    }

    private static readonly SharedInstances<(string Text, string Classes, string? Icon, MudBlazor.Color IconColor, string? TestId), string> SharedChips = new(1024);
    private static readonly System.Text.Encodings.Web.HtmlEncoder Encoder = System.Text.Encodings.Web.HtmlEncoder.Default;

    /// <summary>An icon as MudIcon renders it; <paramref name="icon"/> is a constant of <c>Icons.Material</c>, never user input.</summary>
    internal static string Svg(string classes, string icon) =>
        $"<svg class=\"{classes}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{icon}</svg>";
}
