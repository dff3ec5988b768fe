using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Vps;

public partial class VpsDetailPage
{
    [Inject] private VpsService Service { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    private VpsDetail? _vps;
    private bool _notFound;

    private string Period => _vps is { PeriodStart: { } s, PeriodEnd: { } e } ? $"{Clock.Day(s)} to {Clock.Day(e)}" : "—";

    protected override async Task OnParametersSetAsync()
    {
        await Clock.EnsureLoadedAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _vps = await Service.GetAsync(Id);
        _notFound = _vps is null;
    }

    private async Task EditAsync()
    {
        if (_vps is null) return;
        var form = new VpsForm
        {
            ProviderId = _vps.ProviderId ?? "", IpAddress = _vps.IpAddress ?? "", Region = _vps.Region ?? "",
            Status = VpsRules.EditableStatuses.Contains(_vps.Status) ? _vps.Status! : VpsStatus.Active,
            BillingDay = _vps.BillingDay ?? 1, MonthlyCost = _vps.MonthlyCost, ApproximateCost = _vps.ApproximateCost, Version = _vps.Version,
        };
        var dialog = await Dialogs.ShowAsync<VpsEditDialog>("Edit VPS instance",
            new DialogParameters<VpsEditDialog> { { d => d.Id, _vps.Id }, { d => d.Form, form }, { d => d.CurrentStatus, _vps.Status } },
            new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Instance saved.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ScheduleAsync()
    {
        if (_vps is null) return;
        await Snackbar.TryAsync(async () =>
        {
            var impact = await Service.PreviewDecommissionAsync(_vps.Id);
            var dialog = await Dialogs.ShowAsync<DecommissionDialog>("Schedule decommission",
                new DialogParameters<DecommissionDialog> { { d => d.Impact, impact } },
                new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true });
            if (await dialog.Result is { Canceled: false, Data: DateTime when })
            {
                Snackbar.Add($"Decommission scheduled for {Clock.Day(when)} 00:00 UTC; saves {Clock.Money(impact.MonthlySaving)} a month.", Severity.Success);
                await LoadAsync();
            }
        });
    }

    private async Task CancelDecommissionAsync()
    {
        if (_vps is null) return;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Cancel the decommission?",
            $"{_vps.ProviderId} stays active and keeps being billed every month.", yesText: "Cancel decommission", cancelText: "Keep it scheduled");
        if (confirmed != true) return;
        if (await Snackbar.TryAsync(() => Service.CancelDecommissionAsync(_vps.Id, _vps.Version))) Snackbar.Add("Decommission cancelled.", Severity.Success);
        await LoadAsync();
    }
}
