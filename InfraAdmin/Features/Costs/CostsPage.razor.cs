using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
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
    private MudDataGrid<TenantCostRow>? _grid;
    private readonly UrlFilter<(CostMonth Month, string? Q)> _url = new(); // the grid's month and search
    private GridLoadingBar? _loading;

    /// <summary>The current month and the 24 before it.</summary>
    private IEnumerable<CostMonth> MonthChoices =>
        Enumerable.Range(0, 25).Select(i => Service.CurrentMonth.AddMonths(-i)).Append(_month).Distinct().OrderDescending();

    private string ExportUrl => $"costs/export.csv?month={Summary?.Month}";

    protected override async Task OnInitializedAsync()
    {
        _month = MonthFromQuery();
        await Clock.EnsureLoadedAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        _month = MonthFromQuery();
        var f = new QueryFilters();
        (Q, _filterMessage) = (f.Text("q", QQuery), f.Message);
        // Parameters are set again for other reasons too (see UrlFilter): the month's figures load once per month, and
        // the grid reloads for a new month or search only.
        if (!SummaryLoaded || SummaryFor != Month) await LoadSummaryAsync();
        await _url.ReloadIfChangedAsync(_grid, (_month, Q));
    }

    private async Task LoadSummaryAsync()
    {
        (SummaryLoaded, SummaryFor) = (true, Month);
        try
        {
            var result = await Service.GetMonthAsync(Month);
            (Summary, Message) = (result.Value, result.Message);
            Trend = Summary is null ? [] : await Service.TrendAsync(Summary.Month);
        }
        catch (PermissionDeniedException ex)
        {
            (Summary, Message) = (null, ex.Message);
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private Task<GridData<TenantCostRow>> LoadAsync(GridState<TenantCostRow> state, CancellationToken ct) =>
        GridLoadingBar.Track(_loading, () => LoadPageAsync(state, ct));

    private async Task<GridData<TenantCostRow>> LoadPageAsync(GridState<TenantCostRow> state, CancellationToken ct)
    {
        _url.Loading((_month, Q));
        if (Summary is null) return new GridData<TenantCostRow> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        try
        {
            var page = await Service.PageAsync(Summary, Q, sort?.SortBy ?? nameof(TenantCostRow.Total), sort?.Descending ?? true,
                state.Page, state.PageSize, ct);
            return new GridData<TenantCostRow> { Items = page.Rows, TotalItems = page.Total };
        }
        catch (PermissionDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return new GridData<TenantCostRow> { Items = [], TotalItems = 0 };
        }
    }

    private CostMonth MonthFromQuery() => CostMonth.TryParse(Month, out var m) ? m : Service.CurrentMonth;

    private void OnMonthPicked(string month) => GoToMonth(CostMonth.TryParse(month, out var m) ? m : _month);

    private void GoToMonth(CostMonth month) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("month", month.ToString()));

    private void OnSearch(string? text) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("q", string.IsNullOrWhiteSpace(text) ? null : text.Trim()));

    private string TenantUrl(Guid id) => $"costs/tenants/{id}?month={_month}";

    private string Percent(decimal? value) => value is null ? "—" : Clock.Number(value.Value, 1) + "%";
}
