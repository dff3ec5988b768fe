using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace InfraAdmin.Features.IpReputation;

public partial class IpReputationPage
{
    [Inject] private IpReputationService Service { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    // The query as typed; parsed by QueryFilters into the filter below (a bad value is ignored and shown, never a 500).
    [SupplyParameterFromQuery(Name = "status")] public string? StatusQuery { get; set; }
    [SupplyParameterFromQuery(Name = "reputation")] public string? ReputationQuery { get; set; }
    [SupplyParameterFromQuery(Name = "region")] public string? RegionQuery { get; set; }
    [SupplyParameterFromQuery(Name = "vps")] public string? VpsQuery { get; set; }
    [SupplyParameterFromQuery(Name = "listed")] public string? ListedQuery { get; set; }
    [SupplyParameterFromQuery(Name = "stale")] public string? StaleQuery { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? QQuery { get; set; }
    [SupplyParameterFromQuery(Name = "trouble")] public string? TroubleQuery { get; set; }
    [SupplyParameterFromQuery(Name = "degraded_within")] public string? DegradedWithinQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }

    private string? Status, Reputation, Region, Listed, Q, _filterMessage;
    private Guid? Vps;
    private bool Stale, Trouble;
    private int? DegradedWithin;

    private void ParseFilters()
    {
        var f = new QueryFilters();
        (Status, Reputation, Region, Vps, Listed, Stale, Q, Trouble, DegradedWithin) = IpFilter.FromQuery(f, StatusQuery, ReputationQuery,
            RegionQuery, VpsQuery, ListedQuery, StaleQuery, QQuery, TroubleQuery, DegradedWithinQuery);
        _filterMessage = f.Message;
    }

    private async Task<IEnumerable<VpsOption>> SearchVpsAsync(string? text, CancellationToken ct) =>
        await Service.VpsOptionsAsync(text, null, ct);

    private sealed class FilterModel
    {
        public string? Q { get; set; }
        public string? Status { get; set; }
        public string? Reputation { get; set; }
        public string? Region { get; set; }
        public VpsOption? Vps { get; set; }
        public string? Listed { get; set; }
        public bool Stale { get; set; }
        public bool Trouble { get; set; }
    }

    private readonly FilterModel _form = new();
    private LeanGrid<IpRow>? _grid;
    private HashSet<IpRow> _selected = new(IpRow.ById);
    // Loaded while prerendering and carried into the interactive render (persistent component state), so a page load
    // queries them once, not once for the HTML and again for the circuit.
    [PersistentState] public IpOverview? Overview { get; set; }
    [PersistentState] public IReadOnlyList<string>? Regions { get; set; }
    [PersistentState] public IReadOnlyList<string>? Providers { get; set; }

    /// <summary>The "Listed on" filter's choices: any provider first, then each provider.</summary>
    private IEnumerable<string> ListedChoices => Providers is null ? [IpFilter.AnyProvider] : [IpFilter.AnyProvider, .. Providers];
    private IReadOnlyList<ChangeOutcome>? _outcomes;
    private string? _bulkTarget;
    private bool _canManage;
    private int _tab;
    private bool _interactive;
    private readonly UrlFilter<IpFilter> _url = new();
    private readonly GridView _view = new(nameof(IpRow.IpAddress), nameof(IpRow.Status), nameof(IpRow.Reputation), nameof(IpRow.VpsName),
        nameof(IpRow.LastCheck), nameof(IpRow.AssignedCount), nameof(IpRow.Cost));

    private IpFilter Current => new(Status, Reputation, Region, Vps, Listed, Stale, Q, Trouble, DegradedWithin);

    private string ExportUrl => "ip-reputation/export.csv" + Current.ToQueryString();

    protected override async Task OnInitializedAsync()
    {
        await SetFormFromUrlAsync(); // first: the form is the URL's from the first render on
        await Clock.EnsureLoadedAsync();
        if (AuthState is not null)
            _canManage = (await Authorization.AuthorizeAsync((await AuthState).User, Policies.IpManage)).Succeeded;
        if (Regions is null || Providers is null) (Regions, Providers) = await Service.FilterOptionsAsync(Freshness.Shared);
        Overview ??= await Service.OverviewAsync(Freshness.Shared);
    }

    protected override async Task OnParametersSetAsync()
    {
        await SetFormFromUrlAsync(); // a new filter is a new grid (keyed by it), which loads the URL's view
    }

    /// <summary>Sets the form from the URL's filter when that is a new one (see <see cref="UrlFilter{T}"/>).</summary>
    private async Task SetFormFromUrlAsync()
    {
        ParseFilters();
        if (!_url.IsNewForForm(Current)) return;
        _view.Read(SortQuery, PageQuery, SizeQuery);
        _form.Q = Q; _form.Status = Status; _form.Reputation = Reputation; _form.Region = Region;
        if (Vps != _form.Vps?.Id) _form.Vps = Vps is { } vps ? (await Service.VpsOptionsAsync(null, vps)).FirstOrDefault() : null;
        _form.Listed = Listed; _form.Stale = Stale; _form.Trouble = Trouble;
        _selected = new(IpRow.ById);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _interactive = true;
        StateHasChanged();
    }

    private async Task<GridData<IpRow>> LoadAsync(GridState<IpRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var by = sort?.SortBy switch
        {
            nameof(IpRow.Status) => IpSort.Status,
            nameof(IpRow.Reputation) => IpSort.Reputation,
            nameof(IpRow.Region) => IpSort.Region,
            nameof(IpRow.VpsName) => IpSort.Vps,
            nameof(IpRow.LastCheck) => IpSort.LastCheck,
            nameof(IpRow.AssignedCount) => IpSort.AssignedCount,
            nameof(IpRow.Cost) => IpSort.Cost,
            _ => IpSort.IpAddress,
        };
        return await _view.LoadAsync(state, Navigation, async n =>
        {
            var page = await Service.SearchAsync(Current, by, sort?.Descending ?? false, n, state.PageSize, _readNow ? Freshness.Current : Freshness.Shared, ct);
            return new EstimatedGridData<IpRow> { TotalItems = page.Total, Items = page.Rows, TotalEstimated = page.TotalEstimated };
        });
    }

    private void ApplyFilters() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["q"] = Blank(_form.Q), ["status"] = Blank(_form.Status), ["reputation"] = Blank(_form.Reputation), ["region"] = Blank(_form.Region),
        ["vps"] = _form.Vps?.Id, ["listed"] = Blank(_form.Listed), ["stale"] = _form.Stale ? true : null, ["trouble"] = _form.Trouble ? true : null,
        ["page"] = null, // a new filter starts on its first page; sort and page size stay
    }));

    private void ClearFilters()
    {
        (_form.Q, _form.Status, _form.Reputation, _form.Region, _form.Vps, _form.Listed, _form.Stale, _form.Trouble) =
            (null, null, null, null, null, null, false, false);
        Navigation.NavigateTo("ip-reputation");
    }

    private void ClearRecent() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("degraded_within", (int?)null));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task OpenBulkAsync()
    {
        if (_bulkTarget is null || _selected.Count == 0) return;
        var items = _selected.Select(r => new BulkItem(r.Id, r.Version)).ToList();
        var outcomes = await ChangeStatusDialog.ShowAsync(Dialogs, items, $"{items.Count} selected IP{(items.Count == 1 ? "" : "s")}", [_bulkTarget], _bulkTarget);
        if (outcomes is null) return;
        _outcomes = outcomes;
        await RefreshAsync();
    }

    private async Task RemediateAsync(IReadOnlyList<Guid> ips)
    {
        if (await RemediationDialog.ShowAsync(Dialogs, ips)) await RefreshAsync();
    }

    private async Task OpenImportAsync()
    {
        var dialog = await Dialogs.ShowAsync<ImportChecksDialog>("Import check results", new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false }) await RefreshAsync();
    }

    private static readonly string[] LiveTablesShown = [LiveTables.IpAddresses, LiveTables.IpHistory, LiveTables.Assignments, LiveTables.Vps, LiveTables.SystemConfig];

    /// <summary>Someone changed IPs (or what the list shows of them): the figures and the grid's page again, in place (filters, page, sort, selection stay).</summary>
    private async Task LiveReloadAsync(ChangeBatch _)
    {
        Overview = await Service.OverviewAsync(Freshness.Shared); // a hundred pages hearing the change: one computation
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private async Task RefreshAsync()
    {
        _selected = new(IpRow.ById);
        Overview = await Service.OverviewAsync(); // after this user's own change: read now, so they see it at once
        _readNow = true;
        try
        {
            if (_grid is not null) await _grid.ReloadServerData();
        }
        finally
        {
            _readNow = false;
        }
    }

    /// <summary>The grid's next load follows this user's own change: its total is read now, not shared.</summary>
    private bool _readNow;
}
