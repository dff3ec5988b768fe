using AngleSharp.Dom;
using Bunit;
using InfraAdmin.Components.Shared;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace InfraAdmin.Tests.Components;

/// <summary>bunit with MudBlazor services and loose JS interop.</summary>
public abstract class BunitTest : BunitContext
{
    // A wait ends as soon as its condition holds; its limit only bounds a wait that never will. bunit's default (1 s) is
    // too short on a busy machine: one keystroke on a page with a data grid is a few hundred renders of its components.
    static BunitTest() => DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    protected BunitTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Feed); // pages subscribe to live changes (LiveRefresh); nothing publishes unless a test does
        Services.AddScoped<LiveStart>();
        // The feed here never listens, so nothing is kept: every shared summary read loads (what the test set up).
        Services.AddSingleton(new SharedSummaries(Feed, TimeProvider.System));
        Services.AddSingleton(sp => new ViewerProfiles(sp.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>(), Feed, TimeProvider.System));
    }

    /// <summary>
    /// Renders as a circuit does (interactive server), for components that draw some parts only once live. Call after the
    /// test's services are registered (it builds the service provider).
    /// </summary>
    protected void RenderInteractively() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

    /// <summary>The change feed pages here subscribe to; a test publishes on it to play a change by someone else.</summary>
    protected ChangeFeed Feed { get; } = new(Microsoft.Extensions.Logging.Abstractions.NullLogger<ChangeFeed>.Instance);

    /// <summary>
    /// Types into the element (oninput), finding it and raising the event in one turn of the renderer: a render between
    /// a separate Find and Input (the page's data arriving) would retire the handler that Find saw.
    /// </summary>
    protected static void Type<T>(IRenderedComponent<T> cut, string selector, string value) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.InvokeAsync(() => cut.Find(selector).Input(value)).GetAwaiter().GetResult();

    /// <summary>Changes the element's value (onchange) the same way as <see cref="Type{T}"/>.</summary>
    protected static void Change<T>(IRenderedComponent<T> cut, string selector, object value) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.InvokeAsync(() => cut.Find(selector).Change(value)).GetAwaiter().GetResult();

    /// <summary>Clicks the element the same way as <see cref="Type{T}"/>, and waits for its handler.</summary>
    protected static Task ClickAsync<T>(IRenderedComponent<T> cut, string selector) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.InvokeAsync(() => cut.Find(selector).ClickAsync(new()));

    /// <summary>Submits the form the same way as <see cref="Type{T}"/>, and waits for its handler.</summary>
    protected static Task SubmitAsync<T>(IRenderedComponent<T> cut, string selector) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.InvokeAsync(() => cut.Find(selector).SubmitAsync());

    /// <summary>The error shown under a MudBlazor field (found by its input's data-testid), or null when the field is not in error.</summary>
    protected static string? RuleBeside<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var control = cut.Find($"input[data-testid={testId}]").Closest(".mud-input-control")
            ?? throw new InvalidOperationException($"{testId} is not inside a MudBlazor input control");
        var helper = control.QuerySelector(".mud-input-helper-text");
        return helper is not null && helper.ClassList.Contains("mud-input-error") ? helper.TextContent.Trim() : null;
    }
}
