using InfraAdmin.Authorization;
using InfraAdmin.Components.Shared;
using InfraAdmin.Data;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>The page-side helper: what each shared refusal turns into (field messages, a snackbar or an in-place message).</summary>
public sealed class OperationRunnerTests : BunitTest
{
    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    private List<(string Message, Severity Severity)> Shown => Snackbar.ShownSnackbars.Select(s => (s.Message ?? "", s.Severity)).ToList();

    [Fact]
    public async Task Field_errors_reach_the_fields_without_a_snackbar()
    {
        var errors = new FormErrors();
        var ok = await Snackbar.TryAsync(() => throw ValidationFailedException.For("Name", "Enter a name."), errors);

        Assert.False(ok);
        Assert.Equal("Enter a name.", errors["Name"]);
        Assert.Null(errors["Email"]);
        Assert.Null(errors.Message);
        Assert.Empty(Shown);

        errors.ClearField("Name");
        Assert.Null(errors["Name"]);
    }

    [Fact]
    public async Task A_summary_goes_to_a_snackbar_or_in_place()
    {
        var fields = new Dictionary<string, string> { ["Region"] = "Pick a region." };
        var page = new FormErrors { FieldsSummary = "Fix the highlighted fields; nothing was saved." };
        await Snackbar.TryAsync(() => throw new ValidationFailedException(fields), page);
        Assert.Equal([("Fix the highlighted fields; nothing was saved.", Severity.Error)], Shown);

        var dialog = new FormErrors { Inline = true };
        await Snackbar.TryAsync(() => throw new ValidationFailedException(fields, "Please correct the highlighted fields."), dialog);
        Assert.Equal(("Pick a region.", "Please correct the highlighted fields."), (dialog["Region"], dialog.Message));
        Assert.Single(Shown);
    }

    [Fact]
    public async Task A_stale_edit_becomes_a_snackbar_with_its_message_and_marks_the_form_stale()
    {
        var errors = new FormErrors();
        var ok = await Snackbar.TryAsync(() => throw new StaleEditException("Someone else changed this role."), errors);

        Assert.False(ok);
        Assert.True(errors.IsStale);
        Assert.Equal([("Someone else changed this role.", Severity.Error)], Shown);
    }

    [Fact]
    public async Task A_refusal_without_a_form_becomes_a_snackbar()
    {
        Assert.False(await Snackbar.TryAsync(() => throw new RefusedException("This instance is already decommissioned.")));
        Assert.False(await Snackbar.TryAsync(() => throw new NotFoundException("This tenant does not exist.")));
        Assert.False(await Snackbar.TryAsync(() => throw ValidationFailedException.For("Name", "Enter a name.")));

        Assert.Equal([("This instance is already decommissioned.", Severity.Error), ("This tenant does not exist.", Severity.Error),
            ("Enter a name.", Severity.Error)], Shown);
    }

    [Fact]
    public async Task In_place_forms_keep_the_message_and_a_permission_refusal_follows_PermissionInline()
    {
        var page = new FormErrors { Inline = true };
        await Snackbar.TryAsync(() => throw new RefusedException("A role named 'Support' already exists."), page);
        Assert.Equal("A role named 'Support' already exists.", page.Message);
        Assert.False(page.IsStale);
        await Snackbar.TryAsync(() => throw new PermissionDeniedException("You do not have the 'staff.manage' permission."), page);
        Assert.Null(page.Message);
        Assert.Equal([("You do not have the 'staff.manage' permission.", Severity.Error)], Shown);

        var dialog = new FormErrors { Inline = true, PermissionInline = true };
        await Snackbar.TryAsync(() => throw new PermissionDeniedException("You do not have the 'vps.manage' permission."), dialog);
        Assert.Equal("You do not have the 'vps.manage' permission.", dialog.Message);
        Assert.Single(Shown);
    }

    [Fact]
    public async Task Success_clears_what_the_last_refusal_left_and_other_exceptions_are_not_swallowed()
    {
        var errors = new FormErrors { Inline = true };
        await Snackbar.TryAsync(() => throw new StaleEditException(), errors);
        Assert.Equal((StaleEditException.DefaultMessage, true), (errors.Message, errors.IsStale));

        Assert.True(await Snackbar.TryAsync(() => Task.CompletedTask, errors));
        Assert.Equal((null, false, 0), (errors.Message, errors.IsStale, errors.Fields.Count));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Snackbar.TryAsync(() => throw new InvalidOperationException("a bug"), errors));
        Assert.Empty(Shown);
    }
}
