using MudBlazor;

namespace InfraAdmin.Components.Layout;

/// <summary>
/// The look of the app for this user: dark or light, the tenant's primary colour and logo. The Preferences and
/// Tenants areas supply the saved values through <see cref="IThemeSource"/>; without one the defaults apply.
/// </summary>
public sealed class ThemeState(IEnumerable<IThemeSource> sources, IEnumerable<IThemeChoiceStore> stores)
{
    public static readonly string DefaultPrimary = "#3949AB";

    public MudTheme Theme { get; private set; } = Shared(DefaultPrimary);
    public bool IsDarkMode { get; set; }
    public string? LogoUrl { get; private set; }
    /// <summary>Whose logo <see cref="LogoUrl"/> is (the tenant's name); null for the console's own.</summary>
    public string? LogoName { get; private set; }
    public bool SidebarCollapsed { get; private set; }

    public event Action? Changed;

    public async Task InitializeAsync()
    {
        foreach (var source in sources)
        {
            var look = await source.GetAsync();
            if (look is null) continue;
            IsDarkMode = look.DarkMode ?? IsDarkMode;
            if (look.PrimaryColor is { } color) Theme = Shared(color);
            if (look.LogoUrl is not null) (LogoUrl, LogoName) = (look.LogoUrl, look.LogoName);
            SidebarCollapsed = look.SidebarCollapsed ?? SidebarCollapsed;
        }
    }

    /// <summary>The app bar's switch: flips at once, then keeps the choice for the user's next visits.</summary>
    public async Task ToggleDarkModeAsync()
    {
        IsDarkMode = !IsDarkMode;
        Changed?.Invoke();
        foreach (var store in stores) await store.SaveDarkModeAsync(IsDarkMode);
    }

    public void Apply(bool darkMode)
    {
        IsDarkMode = darkMode;
        Changed?.Invoke();
    }

    // One theme per primary colour for every open page (MudBlazor only reads it): a theme is about 230 colour objects, which
    // every page kept a copy of. Tenants choose their colours, so at most 256 are kept.
    private static readonly InfraAdmin.Components.Shared.SharedInstances<string, MudTheme> Themes = new(256, StringComparer.OrdinalIgnoreCase);

    /// <summary>The theme for <paramref name="primary"/>, the same instance for every page that asks for that colour.</summary>
    public static MudTheme Shared(string primary) => Themes.Get(primary, Build);

    private static MudTheme Build(string primary) => new()
    {
        // MudBlazor's error red (#f44336, 3.7:1 on white) fails WCAG AA for the messages beside a field: a darker red reads at 5.6:1.
        // Alerts of the Text variant write in their severity's colour on a tint of it: MudBlazor's orange, blue and green read
        // at 2-3:1 there; these darker shades keep 4.5:1 (WCAG AA) for the empty states and notices written in them.
        PaletteLight = new PaletteLight
        {
            Primary = primary, AppbarBackground = primary, Error = "#C62828", Warning = "#A84E00", Info = "#1565C0", Success = "#2E7D32",
        },
        // In the dark a light tint of indigo keeps links and the active nav item readable (WCAG AA); a light red does the same for errors.
        PaletteDark = new PaletteDark
        {
            Primary = "#9FA8DA", PrimaryContrastText = "rgba(0,0,0,0.87)", AppbarBackground = "#1E1E2D", TextSecondary = "rgba(255,255,255,0.78)",
            DrawerIcon = "rgba(255,255,255,0.78)", DrawerText = "rgba(255,255,255,0.87)", Error = "#FF8A80",
            // The default stripe (a light grey) left links and text on every other row below 4.5:1; a faint tint keeps the rhythm.
            TableStriped = "rgba(255,255,255,0.04)", TableHover = "rgba(255,255,255,0.08)",
            // Filled chips and buttons in the light severity colours of the dark palette need dark text to read (4.5:1).
            Info = "#90CAF9", Warning = "#FFB74D", Success = "#81C784",
            ErrorContrastText = "rgba(0,0,0,0.87)", WarningContrastText = "rgba(0,0,0,0.87)", InfoContrastText = "rgba(0,0,0,0.87)",
            SuccessContrastText = "rgba(0,0,0,0.87)",
        },
    };
}

/// <summary>What one area knows of the user's look (null: nothing to say). <paramref name="LogoName"/> names the logo:
/// its text alternative, and what shows in its place when the image does not load.</summary>
public sealed record ThemeLook(bool? DarkMode, string? PrimaryColor, string? LogoUrl, bool? SidebarCollapsed, string? LogoName = null);

public interface IThemeSource
{
    Task<ThemeLook?> GetAsync();
}

/// <summary>Keeps a light/dark choice made with the app bar's switch (the Preferences area saves it as the user's theme).</summary>
public interface IThemeChoiceStore
{
    Task SaveDarkModeAsync(bool darkMode);
}
