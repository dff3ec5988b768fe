using InfraAdmin.Authorization;
using InfraAdmin.Components.Layout;
using InfraAdmin.Components.Shared;

namespace InfraAdmin.Features.Preferences;

/// <summary>The user's saved theme: dark or light; "system" says nothing here and is followed in the browser (<see cref="SystemThemeFollower"/>).</summary>
public sealed class PreferencesThemeSource(ViewerProfiles profiles, CurrentUser currentUser, PreferencesService preferences)
    : IThemeSource, IThemeChoiceStore
{
    private Task<string?>? _theme;

    /// <summary>The saved theme, loaded once per circuit (the layout and <see cref="SystemThemeFollower"/> share it).</summary>
    public Task<string?> GetThemeAsync() => _theme ??= LoadAsync();

    public async Task<ThemeLook?> GetAsync() => await GetThemeAsync() switch
    {
        PreferenceRules.Dark => new ThemeLook(true, null, null, null),
        PreferenceRules.Light => new ThemeLook(false, null, null, null),
        _ => null,
    };

    /// <summary>The app bar's switch, for a signed-in user: saved as their theme (light or dark).</summary>
    public async Task SaveDarkModeAsync(bool darkMode)
    {
        if (await currentUser.GetUserIdAsync() is null) return;
        var theme = darkMode ? PreferenceRules.Dark : PreferenceRules.Light;
        await preferences.SaveThemeAsync(theme);
        _theme = Task.FromResult<string?>(theme);
    }

    private async Task<string?> LoadAsync()
    {
        if (await currentUser.GetUserIdAsync() is not { } userId) return null;
        return (await profiles.GetAsync(userId)).Theme;
    }
}
