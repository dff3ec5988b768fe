using System.Net;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// Text for MudChart. MudBlazor 9.12 writes the axis labels of bar, stacked bar and line charts (<c>ChartLabels</c>)
/// into the SVG as raw markup, so a stored name like <c>&lt;img ...&gt;</c> would become an element; every such label
/// goes through <see cref="AxisLabels"/>. Series names and the donut/pie legend are rendered by MudBlazor as text
/// (escaped), so they are passed as they are: encoding them too would show <c>&amp;lt;</c> to the user.
/// </summary>
public static class ChartText
{
    /// <summary>Labels for the X axis of a bar or line chart, HTML-encoded once so they reach the SVG as text.</summary>
    public static string[] AxisLabels(IEnumerable<string> labels) => labels.Select(l => WebUtility.HtmlEncode(l)).ToArray();
}
