using InfraAdmin.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Features.Platform;

public partial class FeatureFlagsPage
{
    [Inject] private FeatureFlagService Service { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<FlagRow>? _flags;
    private IReadOnlyList<TenantChoice> _tenants = [];
    private Guid? _chosenTenant;
    private int _refreshToken;
    private bool _creating;
    private FlagInput _new = new();
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();

    private string? ChosenTenantName => _tenants.FirstOrDefault(t => t.Id == _chosenTenant)?.Name;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _tenants = await Service.TenantsAsync();
        }
        catch (PermissionDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        await LoadAsync();
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

    private string? ErrorFor(string field) => _errors.GetValueOrDefault(field);

    private void CancelCreate()
    {
        _creating = false;
        _new = new FlagInput();
        _errors = new Dictionary<string, string>();
    }

    private async Task Create()
    {
        try
        {
            await Service.CreateAsync(_new);
            Snackbar.Add($"Created {_new.Key.Trim()}.", Severity.Success);
            CancelCreate();
            await LoadAsync();
        }
        catch (PlatformValidationException ex)
        {
            _errors = ex.Errors;
        }
        catch (PermissionDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }
}
