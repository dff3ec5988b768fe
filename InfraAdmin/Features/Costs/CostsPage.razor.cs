using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Costs;

public partial class CostsPage
{
    [Inject] private CostService Service { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "month")] public string? Month { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? QQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }

    // The link's tenant search, once checked (a bad one is ignored and named in _filterMessage).
    private string? Q, _filterMessage;

    private CostMonth _month;
    // The month's figures, loaded while prerendering and carried into the interactive render (persistent component
    // state): one set of queries a page load, not one for the HTML and another for the circuit.
    [PersistentState] public CostMonthSummary? Summary { get; set; }
    [PersistentState] public IReadOnlyList<CostTrendPoint>? Trend { get; set; }
    [PersistentState] public string? Message { get; set; }
    [PersistentState] public bool SummaryLoaded { get; set; }
    [PersistentState] public string? SummaryFor { get; set; } // the month query the figures are for
    private LeanGrid<TenantCostRow>? _grid;
    private readonly UrlFilter<(CostMonth Month, string? Q)> _url = new(); // the grid's month and search
    // Unsorted, the list is by total cost, highest first.
    private readonly GridView _view = new(nameof(TenantCostRow.Name), nameof(TenantCostRow.Revenue), nameof(TenantCostRow.IpCost),
        nameof(TenantCostRow.VpsCost), nameof(TenantCostRow.Total), nameof(TenantCostRow.Margin), nameof(TenantCostRow.MarginPercent));

    /// <summary>The current month and the 24 before it.</summary>
    private IEnumerable<string> MonthChoices =>
        Enumerable.Range(0, 25).Select(i => Service.CurrentMonth.AddMonths(-i)).Append(_month).Distinct().OrderDescending().Select(m => m.ToString());

    private string MonthLabel(string month) => CostMonth.TryParse(month, out var m) ? m.Label(Clock.Culture) : month;

    private string ExportUrl => $"costs/export.csv?month={Summary?.Month}";

    protected override async Task OnInitializedAsync()
    {
        ReadUrl(); // before the first await: a grid drawn from the carried figures loads the URL's view
        await Clock.EnsureLoadedAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        ReadUrl();
        // Parameters are set again for other reasons too (see UrlFilter): the month's figures load once per month; a new
        // month or search is a new grid (keyed by them) on the URL's view.
        if (!SummaryLoaded || SummaryFor != Month) await LoadSummaryAsync();
    }

    private void ReadUrl()
    {
        _month = MonthFromQuery();
        var f = new QueryFilters();
        (Q, _filterMessage) = (f.Text("q", QQuery), f.Message);
        if (_url.IsNewForForm((_month, Q))) _view.Read(SortQuery, PageQuery, SizeQuery);
    }

    private async Task LoadSummaryAsync()
    {
        (SummaryLoaded, SummaryFor) = (true, Month);
        try
        {
            var result = await Service.GetMonthAsync(Month, Freshness.Shared);
            (Summary, Message) = (result.Value, result.Message);
            Trend = Summary is null ? [] : await Service.TrendAsync(Summary.Month, Freshness.Shared);
        }
        catch (PermissionDeniedException ex)
        {
            (Summary, Message) = (null, ex.Message);
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    /// <summary>The roll-up was rebuilt (or tenants changed): the month's figures and the grid's page again, in place (search, page and sort stay).</summary>
    private async Task LiveReloadAsync(ChangeBatch _)
    {
        await LoadSummaryAsync();
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private async Task<GridData<TenantCostRow>> LoadAsync(GridState<TenantCostRow> state, CancellationToken ct)
    {
        if (Summary is not { } summary) return new GridData<TenantCostRow> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        try
        {
            return await _view.LoadAsync(state, Navigation, async n =>
            {
                var page = await Service.PageAsync(summary, Q, sort?.SortBy ?? nameof(TenantCostRow.Total), sort?.Descending ?? true,
                    n, state.PageSize, ct);
                return new GridData<TenantCostRow> { Items = page.Rows, TotalItems = page.Total };
            });
        }
        catch (PermissionDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return new GridData<TenantCostRow> { Items = [], TotalItems = 0 };
        }
    }

    private CostMonth MonthFromQuery() => CostMonth.TryParse(Month, out var m) ? m : Service.CurrentMonth;

    private void OnMonthPicked(string? month) => GoToMonth(CostMonth.TryParse(month, out var m) ? m : _month);

    // Another month or search starts on its first page; the sort and page size stay.
    private void GoToMonth(CostMonth month) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["month"] = month.ToString(), ["page"] = null }));

    private void OnSearch(string? text) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(
        new Dictionary<string, object?> { ["q"] = string.IsNullOrWhiteSpace(text) ? null : text.Trim(), ["page"] = null }));

    private string TenantUrl(Guid id) => $"costs/tenants/{id}?month={_month}";

    private string Percent(decimal? value) => value is null ? "—" : Clock.Number(value.Value, 1) + "%";
}
