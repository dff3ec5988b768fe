using InfraAdmin.Components.Shared;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Alerts;

public partial class AlertsPage
{
    [Inject] private AlertService Service { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    // The query as typed; parsed by QueryFilters (a bad value is ignored and shown, never a 500).
    [SupplyParameterFromQuery(Name = "state")] public string? StateQuery { get; set; }
    [SupplyParameterFromQuery(Name = "severity")] public string? SeverityQuery { get; set; }
    [SupplyParameterFromQuery(Name = "rule")] public string? RuleQuery { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? QQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }
    [SupplyParameterFromQuery(Name = "tab")] public string? TabQuery { get; set; }

    /// <summary>The tabs, as named in the query string (the first, alerts, is the default and is not named).</summary>
    private static readonly string[] Tabs = ["alerts", "deliveries"];
    private const int AlertsTab = 0, DeliveriesTab = 1;
    private int _tab;

    private AlertFilter Current { get; set; } = new();
    private string? _filterMessage;

    private sealed class FilterModel
    {
        public string? State { get; set; }
        public string? Severity { get; set; }
        public string? Rule { get; set; }
        public string? Q { get; set; }
    }

    private readonly FilterModel _filter = new();
    private LeanGrid<AlertRow>? _grid;
    private LeanGrid<AlertDeliveryRow>? _deliveries;
    private readonly UrlFilter<AlertFilter> _url = new();
    private readonly GridView _view = new(nameof(AlertRow.Severity), nameof(AlertRow.Title), nameof(AlertRow.Rule), nameof(AlertRow.RaisedAt), nameof(AlertRow.ResolvedAt));
    private HashSet<string> _mayAck = [];

    private string ExportUrl => "alerts/export.csv" + QueryString();

    private string EmptyText => Current == new AlertFilter()
        ? "No alerts yet. The rules run every minute and after each change; alerts of the areas you may see will show here."
        : Current.State == AlertState.Open && Current with { State = null } == new AlertFilter()
            ? "No open alerts: nothing needs you now. Show acknowledged or resolved alerts with the State filter."
            : "No alerts match these filters. Clear a filter (or choose another state) to see more.";

    protected override async Task OnInitializedAsync()
    {
        SetFormFromUrl();
        await Clock.EnsureLoadedAsync();
        foreach (var p in await Service.VisiblePermissionsAsync())
        {
            if (await Service.MayAcknowledgeAsync(p)) _mayAck.Add(p);
        }
    }

    protected override void OnParametersSet() => SetFormFromUrl();

    private void SetFormFromUrl()
    {
        var f = new QueryFilters();
        Current = AlertFilter.FromQuery(f, StateQuery, SeverityQuery, RuleQuery, QQuery);
        _tab = Math.Max(AlertsTab, Array.IndexOf(Tabs, f.OneOf("tab", TabQuery, Tabs)));
        _filterMessage = f.Message;
        if (!_url.IsNewForForm(Current)) return;
        _view.Read(SortQuery, PageQuery, SizeQuery);
        (_filter.State, _filter.Severity, _filter.Rule, _filter.Q) = (Current.State, Current.Severity, Current.Rule, Current.Q);
    }

    private async Task<GridData<AlertRow>> LoadAsync(GridState<AlertRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        return await _view.LoadAsync(state, Navigation, async n =>
        {
            var page = await Service.SearchAsync(Current, n, state.PageSize, sort?.SortBy, sort?.Descending ?? true, ct);
            return new GridData<AlertRow> { TotalItems = page.Total, Items = page.Rows };
        });
    }

    private async Task<GridData<AlertDeliveryRow>> LoadDeliveriesAsync(GridState<AlertDeliveryRow> state, CancellationToken ct)
    {
        var page = await Service.DeliveriesAsync(state.Page, state.PageSize, ct);
        return new GridData<AlertDeliveryRow> { TotalItems = page.Total, Items = page.Rows };
    }

    /// <summary>An alert was raised, acknowledged or resolved (by anyone, on any instance): the grid's page again, in place.</summary>
    private async Task LiveReloadAsync(ChangeBatch batch)
    {
        // Only the open tab's grid exists (the other's reference is to a grid already gone).
        if (_tab == AlertsTab && _grid is not null && batch.Touches(LiveTables.Alerts)) await _grid.ReloadServerData();
        if (_tab == DeliveriesTab && _deliveries is not null && batch.Touches(LiveTables.AlertDeliveries)) await _deliveries.ReloadServerData();
    }

    /// <summary>A tab chosen: kept in the query string (bookmarkable, and the back button returns to the other tab).</summary>
    private void ShowTab(int index)
    {
        _tab = index;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("tab", index == AlertsTab ? null : Tabs[index]));
    }

    private async Task AcknowledgeAsync(AlertRow alert)
    {
        if (await AcknowledgeDialog.ShowAsync(Dialogs, alert))
        {
            Snackbar.Add("Alert acknowledged.", Severity.Success);
            if (_grid is not null) await _grid.ReloadServerData();
        }
    }

    private void ApplyFilters() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
    {
        ["state"] = Blank(_filter.State), ["severity"] = Blank(_filter.Severity), ["rule"] = Blank(_filter.Rule), ["q"] = Blank(_filter.Q), ["page"] = null,
    }));

    private void ClearFilters()
    {
        (_filter.State, _filter.Severity, _filter.Rule, _filter.Q) = (null, null, null, null);
        Navigation.NavigateTo("alerts");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static Color SeverityColor(string severity) => severity switch
    {
        AlertSeverity.Critical => Color.Error,
        AlertSeverity.Warning => Color.Warning,
        _ => Color.Info,
    };

    private string QueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("state", Current.State); Add("severity", Current.Severity); Add("rule", Current.Rule); Add("q", Current.Q);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
