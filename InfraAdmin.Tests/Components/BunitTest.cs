using AngleSharp.Dom;
using Bunit;
using MudBlazor.Services;

namespace InfraAdmin.Tests.Components;

/// <summary>bunit with MudBlazor services and loose JS interop.</summary>
public abstract class BunitTest : BunitContext
{
    protected BunitTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>The error shown under a MudBlazor field (found by its input's data-testid), or null when the field is not in error.</summary>
    protected static string? RuleBeside<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var control = cut.Find($"input[data-testid={testId}]").Closest(".mud-input-control")
            ?? throw new InvalidOperationException($"{testId} is not inside a MudBlazor input control");
        var helper = control.QuerySelector(".mud-input-helper-text");
        return helper is not null && helper.ClassList.Contains("mud-input-error") ? helper.TextContent.Trim() : null;
    }
}
