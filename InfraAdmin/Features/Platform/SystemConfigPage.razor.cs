using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Platform;

public partial class SystemConfigPage
{
    [Inject] private SystemConfigService Service { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")] public string? QQuery { get; set; }

    // The link's search, once checked (a bad one is ignored and named in _filterMessage).
    private string? Q, _filterMessage;

    private sealed record Editing(ConfigRow? Row);

    private IReadOnlyList<ConfigRow>? _rows;
    private string? _search;
    private Editing? _editing;
    private ConfigRow? _historyFor;
    private readonly Dictionary<string, string> _revealed = [];

    protected override async Task OnInitializedAsync() => await Clock.EnsureLoadedAsync();

    protected override async Task OnParametersSetAsync()
    {
        var f = new QueryFilters();
        (Q, _filterMessage) = (f.Text("q", QQuery), f.Message);
        _search = Q;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _rows = await Service.ListAsync(Q);
        }
        catch (PermissionDeniedException ex)
        {
            _rows = [];
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private void ApplySearch() =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", string.IsNullOrWhiteSpace(_search) ? null : _search.Trim()));

    private void ClearSearch() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", (string?)null));

    private void StartCreate()
    {
        _historyFor = null;
        _editing = new Editing(null);
    }

    /// <summary>
    /// Someone changed settings: the list again, in place (search stays). An open editor keeps the user's edit; when its
    /// key changed underneath, a notice says who changed it (the row's updated_by) and offers to reload it.
    /// </summary>
    private async Task LiveReloadAsync(ChangeBatch _)
    {
        await LoadAsync();
        if (_editing?.Row is { } editing && _rows?.FirstOrDefault(r => r.Key == editing.Key) is { } now && now.Version != editing.Version)
            _changedElsewhere = now;
        if (_historyFor is { } history) _historyFor = _rows?.FirstOrDefault(r => r.Key == history.Key) ?? history;
    }

    private ConfigRow? _changedElsewhere;

    private void StartEdit(ConfigRow row)
    {
        _changedElsewhere = null;
        _historyFor = null;
        _editing = new Editing(row);
    }

    private void CloseEditor() => (_editing, _changedElsewhere) = (null, null);

    private async Task EditorSaved(string key)
    {
        (_editing, _changedElsewhere) = (null, null);
        _revealed.Remove(key);
        Snackbar.Add($"Saved {key}.", Severity.Success);
        await LoadAsync();
    }

    private void ShowHistory(ConfigRow row)
    {
        _editing = null;
        _historyFor = row;
    }

    private async Task HistoryReverted(string key)
    {
        _revealed.Remove(key);
        await LoadAsync();
        _historyFor = _rows?.FirstOrDefault(r => r.Key == key);
    }

    private async Task Reveal(ConfigRow row)
    {
        await Snackbar.TryAsync(async () => _revealed[row.Key] = await Service.RevealAsync(row.Key));
    }

    private async Task Delete(ConfigRow row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete key?",
            $"Delete {row.Key}? Code that reads it falls back to its coded default.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        if (await Snackbar.TryAsync(() => Service.DeleteAsync(row.Key, row.Version)))
        {
            Snackbar.Add($"Deleted {row.Key}.", Severity.Success);
            if (_historyFor?.Key == row.Key) _historyFor = null;
        }
        await LoadAsync();
    }
}
