using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.RenderTree;
using InfraAdmin.Components.Shared;
using MudBlazor;

namespace InfraAdmin.Components.Layout;

/// <summary>
/// MudThemeProvider whose style sheets are shared by every open page. MudThemeProvider writes its theme as a ~23 KB
/// <c>&lt;style&gt;</c> string built anew at each render, and an open page keeps two of them (its current and its
/// previous render tree): about 47 KB of every circuit's memory for a text that is the same for every user of a theme
/// (issue 17: 1 MB per open page). This renders exactly what MudThemeProvider renders, with each markup string swapped
/// for one shared instance of the same text. Should a later MudBlazor render anything but markup here, this renders
/// MudThemeProvider's own output unchanged.
/// </summary>
public sealed class SharedThemeProvider : MudThemeProvider
{
    // A handful in practice: the scrollbar and chart styles, and each theme (the default and tenants' own) in each mode.
    private static readonly SharedInstances<string, string> Shared = new(256, StringComparer.Ordinal);

    // Reads the frames MudThemeProvider wrote (BL0006) and writes each again under its own sequence number (ASP0006):
    // the same tree, so diffing is unchanged. SharedThemeProviderTests fails should MudBlazor's output change shape.
#pragma warning disable BL0006, ASP0006
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var own = new RenderTreeBuilder();
        base.BuildRenderTree(own);
        var frames = own.GetFrames();
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames.Array[i].FrameType != RenderTreeFrameType.Markup)
            {
                base.BuildRenderTree(builder);
                return;
            }
        }
        for (var i = 0; i < frames.Count; i++)
            builder.AddMarkupContent(frames.Array[i].Sequence, SharedCopy(frames.Array[i].MarkupContent));
    }
#pragma warning restore BL0006, ASP0006

    /// <summary>The one shared instance of <paramref name="markup"/> (itself when none is kept yet).</summary>
    internal static string SharedCopy(string markup) => Shared.Get(markup, static m => m);
}
