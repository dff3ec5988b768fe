using InfraAdmin.Components.Shared;
using InfraAdmin.Data.Billing;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Vps;

public partial class VpsPage
{
    [Inject] private VpsService Service { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    // The query as typed; parsed by QueryFilters into the filter below (a bad value is ignored and shown, never a 500).
    [SupplyParameterFromQuery(Name = "status")] public string? StatusQuery { get; set; }
    [SupplyParameterFromQuery(Name = "region")] public string? RegionQuery { get; set; }
    [SupplyParameterFromQuery(Name = "billing_day")] public string? BillingDayQuery { get; set; }
    [SupplyParameterFromQuery(Name = "renewing_within")] public string? RenewingWithinQuery { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? QQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }

    private string? Status, Region, Q, _filterMessage;
    private int? BillingDay, RenewingWithin;

    private void ParseFilters()
    {
        var f = new QueryFilters();
        (Status, Region, BillingDay, RenewingWithin, Q) = VpsFilter.FromQuery(f, StatusQuery, RegionQuery, BillingDayQuery, RenewingWithinQuery, QQuery);
        _filterMessage = f.Message;
    }

    private sealed class FilterModel
    {
        public string? Status { get; set; }
        public string? Region { get; set; }
        // As typed; applied only when valid (empty: no filter).
        public string? BillingDay { get; set; }
        public string? RenewingWithin { get; set; }
        public string? Q { get; set; }
    }

    private readonly FilterModel _filter = new();
    private LeanGrid<VpsRow>? _grid;
    private readonly UrlFilter<VpsFilter> _url = new();
    private readonly GridView _view = new(nameof(VpsRow.ProviderId), nameof(VpsRow.IpAddress), nameof(VpsRow.Region), nameof(VpsRow.Status),
        nameof(VpsRow.MonthlyCost), nameof(VpsRow.ApproximateCost), nameof(VpsRow.BillingDay), nameof(VpsRow.PeriodEnd),
        nameof(VpsRow.DecommissionScheduledFor), nameof(VpsRow.IpCount));
    // Loaded while prerendering and carried into the interactive render (persistent component state), so a page load
    // queries them once, not once for the HTML and again for the circuit.
    [PersistentState] public VpsOverview? Overview { get; set; }
    [PersistentState] public IReadOnlyList<string>? Regions { get; set; }

    private VpsFilter Current => new(Status, Region, BillingDay, RenewingWithin, Q);

    private static string RenewalsLink => $"vps?renewing_within={VpsService.RenewalWindowDays}";

    private string ExportUrl => "vps/export.csv" + QueryString();

    protected override async Task OnInitializedAsync()
    {
        SetFormFromUrl(); // before the first await: the form is the URL's from the first render on
        await Clock.EnsureLoadedAsync();
        Regions ??= await Service.RegionsAsync();
        Overview ??= await Service.OverviewAsync(Freshness.Shared);
    }

    protected override void OnParametersSet() => SetFormFromUrl(); // a new filter is a new grid (keyed by it), on the URL's view

    /// <summary>Sets the form from the URL's filter when that is a new one (see <see cref="UrlFilter{T}"/>).</summary>
    private void SetFormFromUrl()
    {
        ParseFilters();
        if (!_url.IsNewForForm(Current)) return;
        _view.Read(SortQuery, PageQuery, SizeQuery);
        _filter.Status = Status;
        _filter.Region = Region;
        _filter.BillingDay = NumberText.Format(BillingDay);
        _filter.RenewingWithin = NumberText.Format(RenewingWithin);
        _filter.Q = Q;
    }

    private async Task<GridData<VpsRow>> LoadAsync(GridState<VpsRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        return await _view.LoadAsync(state, Navigation, async n =>
        {
            var page = await Service.SearchAsync(Current, n, state.PageSize, sort?.SortBy, sort?.Descending ?? false, Freshness.Shared, ct);
            return new GridData<VpsRow> { TotalItems = page.Total, Items = page.Rows };
        });
    }

    /// <summary>Someone changed the fleet: the figures and the grid's page again, in place (filters, page and sort stay).</summary>
    private async Task LiveReloadAsync(ChangeBatch _)
    {
        Overview = await Service.OverviewAsync(Freshness.Shared);
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private async Task CreateAsync()
    {
        var form = new VpsForm { Region = Regions?.FirstOrDefault() ?? "" };
        var dialog = await Dialogs.ShowAsync<VpsEditDialog>("New VPS instance",
            new DialogParameters<VpsEditDialog> { { d => d.Form, form } },
            new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: Guid id })
        {
            Snackbar.Add($"Instance {form.ProviderId} created.", Severity.Success);
            Navigation.NavigateTo($"vps/{id}");
        }
    }

    private string? BillingDayError => NumberText.OptionalWholeNumber(_filter.BillingDay, BillingPeriod.MinDay, BillingPeriod.MaxDay, out _);
    private string? RenewingWithinError => NumberText.OptionalWholeNumber(_filter.RenewingWithin, 0, VpsFilter.MaxRenewingWithinDays, out _);
    private bool FiltersAreValid => BillingDayError is null && RenewingWithinError is null;

    /// <summary>Puts the filters in the URL; with a bad number nothing is applied and the grid keeps the filters it had.</summary>
    private void ApplyFilters()
    {
        if (!FiltersAreValid) return; // Enter in a field submits the form even when Apply is disabled
        NumberText.OptionalWholeNumber(_filter.BillingDay, BillingPeriod.MinDay, BillingPeriod.MaxDay, out var day);
        NumberText.OptionalWholeNumber(_filter.RenewingWithin, 0, VpsFilter.MaxRenewingWithinDays, out var within);
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["status"] = Blank(_filter.Status), ["region"] = Blank(_filter.Region), ["billing_day"] = day,
            ["renewing_within"] = within, ["q"] = Blank(_filter.Q), ["page"] = null, // a new filter starts on its first page
        }));
    }

    private void ClearFilters()
    {
        (_filter.Status, _filter.Region, _filter.BillingDay, _filter.RenewingWithin, _filter.Q) = (null, null, null, null, null);
        Navigation.NavigateTo("vps");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private string QueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("status", Status); Add("region", Region); Add("billing_day", BillingDay?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("renewing_within", RenewingWithin?.ToString(System.Globalization.CultureInfo.InvariantCulture)); Add("q", Q);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
