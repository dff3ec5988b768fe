using InfraAdmin.Components.Shared;
using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Platform;

public partial class FeatureFlagsPage
{
    [Inject] private FeatureFlagService Service { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<FlagRow>? _flags;
    private TenantChoice? _chosen; // searched for, never a list of every tenant
    private Guid? _chosenTenant => _chosen?.Id;
    private int _refreshToken;
    private bool _creating;
    private FlagInput _new = new();
    private readonly FormErrors _errors = new();

    private string? ChosenTenantName => _chosen?.Name;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task<IEnumerable<TenantChoice>> SearchTenantsAsync(string? text, CancellationToken ct)
    {
        try
        {
            return await Service.SearchTenantsAsync(text, ct);
        }
        catch (PermissionDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
            return [];
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            _flags = await Service.ListAsync();
        }
        catch (PermissionDeniedException ex)
        {
            _flags = [];
            Snackbar.Add(ex.Message, Severity.Error);
        }
        _refreshToken++;
    }

    private void RefreshPreviews() => _refreshToken++;

    private string? ErrorFor(string field) => _errors[field];

    // The rollout percentage as typed; _new.RolloutPercentage changes only when it is valid.
    private string? _newPercentText = "0";

    /// <summary>The rule the typed percentage breaks, or null.</summary>
    private string? TypedPercentageError =>
        NumberText.WholeNumber(_newPercentText, ConfigRules.MinRolloutPercentage, ConfigRules.MaxRolloutPercentage, out _);

    /// <summary>Beside the field: the typed rule, else what the service said about the percentage.</summary>
    private string? PercentageErrorText => TypedPercentageError ?? ErrorFor(nameof(FlagInput.RolloutPercentage));

    private void NewPercentageTyped(string? text)
    {
        _newPercentText = text;
        if (NumberText.WholeNumber(text, ConfigRules.MinRolloutPercentage, ConfigRules.MaxRolloutPercentage, out var value) is null)
            _new.RolloutPercentage = value;
        _errors.ClearField(nameof(FlagInput.RolloutPercentage));
    }

    private void CancelCreate()
    {
        _creating = false;
        _new = new FlagInput();
        _newPercentText = NumberText.Format(_new.RolloutPercentage);
        _errors.Clear();
    }

    private async Task Create()
    {
        if (TypedPercentageError is not null) return; // Enter in a field submits the form even when Create is disabled
        if (!await Snackbar.TryAsync(() => Service.CreateAsync(_new), _errors)) return;
        Snackbar.Add($"Created {_new.Key.Trim()}.", Severity.Success);
        CancelCreate();
        await LoadAsync();
    }
}
