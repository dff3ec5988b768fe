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
}
