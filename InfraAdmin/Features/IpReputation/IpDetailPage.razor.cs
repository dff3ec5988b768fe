using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace InfraAdmin.Features.IpReputation;

public partial class IpDetailPage
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private IpReputationService Service { get; set; } = default!;
    [Inject] private UserClock Clock { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    private IpDetail? _ip;
    private bool _notFound;
    private bool _canManage;
    private IReadOnlyList<ChangeOutcome>? _outcomes;
    private bool _interactive;

    protected override async Task OnParametersSetAsync()
    {
        await Clock.EnsureLoadedAsync();
        if (AuthState is not null)
            _canManage = (await Authorization.AuthorizeAsync((await AuthState).User, Policies.IpManage)).Succeeded;
        await ReloadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Prerendered buttons do nothing: enable the actions once the circuit renders the page.
        if (!firstRender) return;
        _interactive = true;
        StateHasChanged();
    }

    private static readonly string[] LiveTablesShown =
        [LiveTables.IpAddresses, LiveTables.IpHistory, LiveTables.Assignments, LiveTables.Vps, LiveTables.Domains, LiveTables.Tenants, LiveTables.SystemConfig];

    /// <summary>A change of this IP, its history or its assignments (their key is the IP), or of anything else it shows.</summary>
    private bool Concerns(DataChange change) =>
        change.Table is not (LiveTables.IpAddresses or LiveTables.IpHistory or LiveTables.Assignments) || change.MayConcern(Id);

    private async Task ReloadAsync()
    {
        _ip = await Service.DetailAsync(Id);
        _notFound = _ip is null;
    }

    private async Task ChangeAsync(string? target)
    {
        if (_ip is null) return;
        var targets = target is null ? IpTransitions.ManualFrom(_ip.Status) : [target];
        var outcomes = await ChangeStatusDialog.ShowAsync(Dialogs, [new BulkItem(_ip.Id, _ip.Version)], _ip.IpAddress, targets, target);
        if (outcomes is null) return;
        var outcome = outcomes[0];
        Snackbar.Add(outcome.Succeeded ? $"{_ip.IpAddress}: {outcome.Message}" : outcome.Message, outcome.Succeeded ? Severity.Success : Severity.Error);
        if (outcome.EndedAssignments > 0) _outcomes = outcomes; // offers to move the ended domains
        await ReloadAsync();
    }

    private async Task RemediateAsync()
    {
        if (_ip is null) return;
        if (await RemediationDialog.ShowAsync(Dialogs, [_ip.Id])) { _outcomes = null; await ReloadAsync(); }
    }

    private async Task ExpireAsync(AssignmentRow assignment)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Expire assignment",
            $"Expire {assignment.Domain} ({assignment.Tenant}) on {_ip?.IpAddress}? Its mail stops going through this IP.",
            yesText: "Expire", cancelText: "Cancel");
        if (confirmed != true) return;
        if (await Snackbar.TryAsync(() => Service.ExpireAssignmentAsync(assignment.Id, assignment.Version))) Snackbar.Add($"Expired {assignment.Domain}.", Severity.Success);
        await ReloadAsync();
    }
}
