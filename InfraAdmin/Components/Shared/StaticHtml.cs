using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// A display-only component (figures, lists, a summary table: links and text, no events) rendered once to HTML by Blazor's
/// own <see cref="HtmlRenderer"/>, which encodes every value as a live render does. An open page then keeps one markup
/// frame instead of the component tree, twice over (its current and previous render): on the IP dashboard its overview
/// was 10 components and about 2,000 render tree frames (issue 17; docs/decisions/0010-lean-markup.md). Equal HTML is
/// one shared string for every open page; the latest few are kept (a change makes new ones, and the old ones go).
/// Links in it are plain links, which the router follows as any other.
/// </summary>
public static class StaticHtml
{
    private static readonly SharedInstances<string, string> Shared = new(32, StringComparer.Ordinal);

    /// <summary>
    /// <typeparamref name="TComponent"/>'s HTML with <paramref name="parameters"/>. Its components render synchronously
    /// (no async lifecycle), so the task is complete on return and a page can take the HTML in the same render.
    /// </summary>
    public static async Task<MarkupString> RenderAsync<TComponent>(IServiceProvider services, ILoggerFactory loggers,
        IDictionary<string, object?> parameters) where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        return new MarkupString(Shared.Get(html, static h => h));
    }
}
