using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.WebUtilities;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Staff;

public partial class StaffPage
{
    [Inject] private StaffService Staff { get; set; } = default!;
    [Inject] private RoleService Roles { get; set; } = default!;
    [Inject] private CurrentUser Me { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")] public string? SearchQuery { get; set; }
    [SupplyParameterFromQuery(Name = "role")] public string? RoleQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }

    // The filters of the link, once checked (a bad one is ignored and named in _filterMessage).
    private string? Search, _filterMessage;
    private int? RoleId;

    /// <summary>The export with the list's current search and role.</summary>
    private string ExportUrl => QueryHelpers.AddQueryString("staff/export.csv",
        new Dictionary<string, string?> { ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search, ["role"] = RoleId?.ToString() }
            .Where(p => p.Value is not null));

    private sealed class FilterModel
    {
        public string? Search { get; set; }
        public int? RoleId { get; set; }
    }

    private sealed class AddModel
    {
        public bool Invite { get; set; }
        public string? Email { get; set; }
        public string? DisplayName { get; set; }
        public int RoleId { get; set; }
        public string? Notes { get; set; }
    }

    private LeanGrid<StaffRow>? _grid;
    private readonly UrlFilter<StaffQuery> _url = new(); // filters only; sort and page are the grid's view
    private readonly GridView _view = new(nameof(StaffRow.Email), nameof(StaffRow.RoleName), nameof(StaffRow.Added), nameof(StaffRow.LastSignIn));
    private StaffQuery Filter => new(Search, RoleId);
    private IReadOnlyList<RoleSummary> _roles = [];
    private bool _canManage;
    private readonly FilterModel _filter = new();
    private bool _adding;
    private readonly AddModel _add = new();
    private readonly FormErrors _addErrors = new() { Inline = true }; // beside the email field
    private StaffRow? _selected;
    private int _memberRoleId;
    private string? _memberNotes;
    private readonly FormErrors _memberErrors = new(); // snackbars; a stale edit also shows the reload hint
    private string? _whyPermission;
    private WhyAnswer? _why;
    private bool _interactive;

    protected override async Task OnInitializedAsync()
    {
        SetFormFromUrl(); // before the first await: the form is the URL's from the first render on
        await Clock.EnsureLoadedAsync();
        _canManage = await Me.HasAsync(Permissions.Staff.Manage);
        _roles = await Roles.ListAsync();
        _add.RoleId = _roles.FirstOrDefault()?.Id ?? 0;
    }

    protected override void OnParametersSet() => SetFormFromUrl(); // a new filter is a new grid (keyed by it), on the URL's view

    /// <summary>Sets the form from the URL's filter when that is a new one (see <see cref="UrlFilter{T}"/>).</summary>
    private void SetFormFromUrl()
    {
        var f = new QueryFilters();
        var query = StaffQuery.FromQuery(f, SearchQuery, RoleQuery);
        (Search, RoleId, _filterMessage) = (query.Search, query.RoleId, f.Message);
        if (!_url.IsNewForForm(Filter)) return;
        _view.Read(SortQuery, PageQuery, SizeQuery);
        _filter.Search = Search;
        _filter.RoleId = RoleId;
    }

    /// <summary>Marks the grid once the circuit is live (not in the prerendered HTML), so buttons are not clicked too early.</summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _interactive = true;
        StateHasChanged();
    }

    private async Task<GridData<StaffRow>> LoadAsync(GridState<StaffRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var sortBy = sort?.SortBy switch
        {
            nameof(StaffRow.RoleName) => StaffSort.Role,
            nameof(StaffRow.Added) => StaffSort.Added,
            nameof(StaffRow.LastSignIn) => StaffSort.LastSignIn,
            _ => StaffSort.Email,
        };
        return await _view.LoadAsync(state, Navigation, async n =>
        {
            var page = await Staff.ListAsync(new StaffQuery(Search, RoleId, sortBy, sort?.Descending ?? false, n, state.PageSize), ct);
            return new GridData<StaffRow> { TotalItems = page.Total, Items = page.Rows };
        });
    }

    private void ApplyFilters() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["q"] = string.IsNullOrWhiteSpace(_filter.Search) ? null : _filter.Search.Trim(),
        ["role"] = _filter.RoleId,
        ["page"] = null, // a new filter starts on its first page
    }));

    private void ClearFilters()
    {
        (_filter.Search, _filter.RoleId) = (null, null);
        Navigation.NavigateTo("staff");
    }

    private async Task AddAsync()
    {
        var ok = await Snackbar.TryAsync(async () =>
        {
            if (_add.Invite) await Staff.InviteAsync(_add.Email, _add.DisplayName, _add.RoleId, _add.Notes);
            else await Staff.AddExistingAsync(_add.Email, _add.RoleId, _add.Notes);
        }, _addErrors);
        if (!ok) return;
        Snackbar.Add(_add.Invite ? $"{_add.Email} invited: they were mailed a link to set their password." : $"{_add.Email} is now staff.", Severity.Success);
        _add.Email = _add.DisplayName = _add.Notes = null;
        _adding = false;
        await RefreshAsync();
    }

    private async Task SelectAsync(Guid userId)
    {
        _selected = await Staff.GetAsync(userId);
        _changedElsewhere = false;
        _memberErrors.Clear();
        _why = null;
        _whyPermission = null;
        _memberRoleId = _selected?.RoleId ?? 0;
        _memberNotes = _selected?.Notes;
        if (_selected is null) Snackbar.Add("That person is no longer a staff member.", Severity.Warning);
    }

    private async Task ChangeRoleAsync()
    {
        var m = _selected!;
        if (await RunAsync(() => Staff.ChangeRoleAsync(m.UserId, _memberRoleId, m.Version)))
        {
            Snackbar.Add($"{m.Email} now has the role '{_roles.FirstOrDefault(r => r.Id == _memberRoleId)?.Name}'. Their access changes within seconds.", Severity.Success);
            await RefreshAsync();
        }
    }

    private async Task SaveNotesAsync()
    {
        var m = _selected!;
        if (await RunAsync(() => Staff.UpdateNotesAsync(m.UserId, _memberNotes, m.Version)))
        {
            Snackbar.Add("Notes saved.", Severity.Success);
            await RefreshAsync();
        }
    }

    private async Task UnlockAsync()
    {
        var m = _selected!;
        if (await RunAsync(() => Staff.UnlockAsync(m.UserId)))
        {
            Snackbar.Add($"{m.Email} is unlocked and can sign in again.", Severity.Success);
            await RefreshAsync();
        }
    }

    private async Task SendResetAsync()
    {
        var m = _selected!;
        if (await RunAsync(() => Staff.SendPasswordResetAsync(m.UserId)))
            Snackbar.Add($"A password reset link was mailed to {m.Email}.", Severity.Success);
    }

    private async Task RemoveAsync()
    {
        var m = _selected!;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Remove from staff",
            $"Remove {m.Email} from staff? They lose every staff permission and are signed out everywhere. Their user account stays.",
            yesText: "Remove", cancelText: "Cancel");
        if (confirmed != true) return;
        if (await RunAsync(() => Staff.RemoveAsync(m.UserId, m.Version)))
        {
            Snackbar.Add($"{m.Email} is no longer staff; their sign-ins have ended.", Severity.Success);
            _selected = null;
            await RefreshAsync();
        }
    }

    private async Task WhyAsync(string permission)
    {
        _whyPermission = permission;
        await Snackbar.TryAsync(async () => _why = await Staff.WhyAsync(_selected!.UserId, permission));
    }

    private bool _changedElsewhere;

    /// <summary>
    /// Someone changed staff, users or roles: the roles, the grid's page and the open member again, in place (filters, page
    /// and sort stay). An unsaved role or notes edit of the open member is kept, with the "someone else changed" notice.
    /// </summary>
    private async Task LiveReloadAsync(ChangeBatch _)
    {
        _roles = await Roles.ListAsync();
        if (_grid is not null) await _grid.ReloadServerData();
        if (_selected is not { } shown) return;
        var edited = _memberRoleId != (shown.RoleId ?? 0) || _memberNotes != shown.Notes;
        if (!edited)
        {
            await SelectAsync(shown.UserId);
            return;
        }
        var now = await Staff.GetAsync(shown.UserId);
        if (now is null || now.Version != shown.Version) _changedElsewhere = true; // their edit stays; saving it is refused as stale
    }

    private async Task RefreshAsync()
    {
        _roles = await Roles.ListAsync();
        if (_grid is not null) await _grid.ReloadServerData();
        if (_selected is not null) await SelectAsync(_selected.UserId);
    }

    /// <summary>Runs a change of the selected member; a refusal becomes a snackbar.</summary>
    private Task<bool> RunAsync(Func<Task> action) => Snackbar.TryAsync(action, _memberErrors);
}
