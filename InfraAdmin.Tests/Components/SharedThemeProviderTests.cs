using Bunit;
using InfraAdmin.Components.Layout;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>The layout's theme provider renders MudThemeProvider's own style sheets, kept once for every open page.</summary>
public sealed class SharedThemeProviderTests : BunitTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void It_renders_exactly_what_mudthemeprovider_renders(bool dark)
    {
        var theme = new MudTheme { PaletteLight = new PaletteLight { Primary = "#123456" } };
        var own = Render<MudThemeProvider>(p => p.Add(x => x.Theme, theme).Add(x => x.IsDarkMode, dark));
        var shared = Render<SharedThemeProvider>(p => p.Add(x => x.Theme, theme).Add(x => x.IsDarkMode, dark));

        Assert.Contains("--mud-palette-primary", shared.Markup);
        Assert.Contains(dark ? "--mud-palette-black" : "--mud-palette-primary: rgba(18,52,86,1)", shared.Markup);
        shared.MarkupMatches(own.Markup);
    }

    [Fact]
    public void Equal_style_sheets_are_one_instance()
    {
        var css = ":root{--test-" + Guid.NewGuid().ToString("N") + ":1}";
        var first = SharedThemeProvider.SharedCopy(new string(css));
        var second = SharedThemeProvider.SharedCopy(new string(css));

        Assert.Equal(css, second);
        Assert.Same(first, second);
    }
}
