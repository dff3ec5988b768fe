using InfraAdmin.Components.Layout;
using MudBlazor;
using MudBlazor.Utilities;

namespace InfraAdmin.Tests.Unit;

/// <summary>Validation messages (the error colour) are readable on the page and on paper in both modes (WCAG AA, 4.5:1).</summary>
public sealed class ThemeContrastTests
{
    [Fact]
    public void The_error_colour_reads_at_AA_on_the_background_and_surface_in_light_and_dark_mode()
    {
        var theme = new ThemeState([], []).Theme;
        foreach (var (mode, palette) in new (string, Palette)[] { ("light", theme.PaletteLight), ("dark", theme.PaletteDark) })
        {
            foreach (var (name, ground) in new[] { ("background", palette.Background), ("surface", palette.Surface) })
            {
                var ratio = Contrast(palette.Error, ground);
                Assert.True(ratio >= 4.5, $"{mode} error {palette.Error} on {name} {ground}: {ratio:F2}:1");
            }
        }
    }

    private static double Contrast(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(MudColor c)
    {
        static double Channel(byte v)
        {
            var s = v / 255.0;
            return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(c.R) + 0.7152 * Channel(c.G) + 0.0722 * Channel(c.B);
    }
}
