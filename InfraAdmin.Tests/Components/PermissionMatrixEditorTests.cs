using InfraAdmin.Data;
using Bunit;
using InfraAdmin.Authorization;
using InfraAdmin.Features.Staff;

namespace InfraAdmin.Tests.Components;

/// <summary>The matrix editor: toggled cells become a granted/revoked diff, saved together; a refusal keeps them.</summary>
public sealed class PermissionMatrixEditorTests : BunitTest
{
    private static readonly PermissionMatrix Loaded = new(
    [
        new MatrixRole(2, "Operator", new HashSet<string> { Permissions.Ip.View, Permissions.Audit.View }),
        new MatrixRole(4, "Support", new HashSet<string> { Permissions.Ip.View }),
    ], "stamp-1");

    private readonly List<(string Stamp, IReadOnlyList<MatrixChange> Changes)> _saves = [];
    private Func<string, IReadOnlyList<MatrixChange>, Task<PermissionMatrix>>? _save;

    private IRenderedComponent<PermissionMatrixEditor> RenderEditor(bool canEdit = true) =>
        Render<PermissionMatrixEditor>(p => p
            .Add(x => x.Matrix, Loaded)
            .Add(x => x.CanEdit, canEdit)
            .Add(x => x.Save, (stamp, changes) =>
            {
                _saves.Add((stamp, changes));
                return _save?.Invoke(stamp, changes) ?? Task.FromResult(Loaded);
            })
            .Add(x => x.Reload, () => Task.FromResult(Loaded)));

    private static void Set(IRenderedComponent<PermissionMatrixEditor> cut, int roleId, string permission, bool value) =>
        cut.Find($"[data-testid='cell-{roleId}-{permission}']").Change(value);

    [Fact]
    public void Cells_show_the_loaded_grants_grouped_by_category()
    {
        var cut = RenderEditor();
        Assert.True(cut.Find("[data-testid='cell-2-audit.view']").HasAttribute("checked"));
        Assert.False(cut.Find("[data-testid='cell-4-audit.view']").HasAttribute("checked"));
        var groups = cut.FindAll("th[scope=rowgroup]").Select(th => th.TextContent).ToList();
        Assert.Equal(Permissions.All.Select(p => p.Category).Distinct(), groups);
        Assert.Contains("No pending changes", cut.Find("[data-testid='matrix-diff']").TextContent);
    }

    [Fact]
    public void Toggled_cells_are_listed_as_grants_and_revokes_and_toggling_back_removes_them()
    {
        var cut = RenderEditor();
        Set(cut, 4, Permissions.Audit.View, true);
        Set(cut, 2, Permissions.Ip.View, false);

        Assert.Equal("Grant audit.view to Support", Normalize(cut.Find("[data-testid='diff-grant']").TextContent));
        Assert.Equal("Revoke ip.view from Operator", Normalize(cut.Find("[data-testid='diff-revoke']").TextContent));
        Assert.Contains("Save 2 changes", cut.Find("[data-testid='matrix-save']").TextContent);

        Set(cut, 4, Permissions.Audit.View, false);
        Assert.Empty(cut.FindAll("[data-testid='diff-grant']"));
        Assert.Single(cut.FindAll("[data-testid='diff-revoke']"));
    }

    [Fact]
    public void Save_sends_every_pending_change_with_the_loaded_stamp_then_clears_them()
    {
        var cut = RenderEditor();
        Set(cut, 4, Permissions.Audit.View, true);
        Set(cut, 4, Permissions.Ip.View, false);
        cut.Find("button[data-testid='matrix-save']").Click();

        var (stamp, changes) = Assert.Single(_saves);
        Assert.Equal("stamp-1", stamp);
        Assert.Equal(
            [new MatrixChange(4, "Support", Permissions.Ip.View, false), new MatrixChange(4, "Support", Permissions.Audit.View, true)],
            changes.OrderBy(c => c.Grant).ToList());
        cut.WaitForAssertion(() => Assert.Contains("No pending changes", cut.Find("[data-testid='matrix-diff']").TextContent));
    }

    [Fact]
    public void A_refused_save_shows_the_message_and_keeps_the_pending_changes()
    {
        _save = (_, _) => throw new StaleEditException("Someone else changed roles or permissions since you opened the matrix.");
        var cut = RenderEditor();
        Set(cut, 4, Permissions.Audit.View, true);
        cut.Find("button[data-testid='matrix-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("Someone else changed", cut.Find("[data-testid='matrix-error']").TextContent));
        Assert.NotNull(cut.Find("[data-testid='matrix-reload']"));
        Assert.Equal("Grant audit.view to Support", Normalize(cut.Find("[data-testid='diff-grant']").TextContent));
    }

    [Fact]
    public void Without_staff_manage_the_cells_are_read_only()
    {
        var cut = RenderEditor(canEdit: false);
        Assert.All(cut.FindAll("input[type=checkbox]"), box => Assert.True(box.HasAttribute("disabled")));
        Assert.Contains("needs staff.manage", cut.Find("[data-testid='matrix-diff']").TextContent);
    }

    [Fact]
    public void The_draft_rebases_onto_a_newer_matrix_keeping_changes_that_still_differ()
    {
        var draft = new MatrixDraft(Loaded);
        draft.Set(4, Permissions.Audit.View, true);
        draft.Set(4, Permissions.Vps.View, true);
        var newer = new PermissionMatrix(
        [
            new MatrixRole(2, "Operator", new HashSet<string> { Permissions.Ip.View }),
            new MatrixRole(4, "Support", new HashSet<string> { Permissions.Ip.View, Permissions.Audit.View }),
        ], "stamp-2");
        draft.Rebase(newer);
        Assert.Equal([new MatrixChange(4, "Support", Permissions.Vps.View, true)], draft.Changes);
        Assert.True(draft.IsChecked(4, Permissions.Audit.View));
        Assert.False(draft.IsChecked(2, Permissions.Audit.View));
    }

    private static readonly PermissionMatrix SavedWithoutAudit = new(
    [
        new MatrixRole(2, "Operator", new HashSet<string> { Permissions.Ip.View }),
        new MatrixRole(4, "Support", new HashSet<string> { Permissions.Ip.View }),
    ], "stamp-2");

    [Fact]
    public void After_a_save_the_boxes_show_what_is_stored_even_when_the_page_renders_again_with_the_matrix_it_loaded()
    {
        _save = (_, _) => Task.FromResult(SavedWithoutAudit);
        var cut = RenderEditor();
        Set(cut, 2, Permissions.Audit.View, false);
        Assert.Equal("Revoke audit.view from Operator", Normalize(cut.Find("[data-testid='diff-revoke']").TextContent));
        cut.Find("button[data-testid='matrix-save']").Click();
        cut.WaitForAssertion(() => Assert.Contains("No pending changes", cut.Find("[data-testid='matrix-diff']").TextContent));

        cut.Render(); // the page re-renders (its Saved handler ran) and hands the editor the same parameters again
        Assert.False(cut.Find("[data-testid='cell-2-audit.view']").HasAttribute("checked"));
        Assert.True(cut.Find("[data-testid='cell-2-ip.view']").HasAttribute("checked"));
        Assert.Contains("No pending changes", cut.Find("[data-testid='matrix-diff']").TextContent);
    }

    [Fact]
    public void While_a_save_is_in_flight_the_matrix_is_locked_and_takes_no_clicks()
    {
        var pending = new TaskCompletionSource<PermissionMatrix>();
        _save = (_, _) => pending.Task;
        var cut = RenderEditor();
        Set(cut, 2, Permissions.Audit.View, false);
        cut.Find("button[data-testid='matrix-save']").Click();

        Assert.Equal("Saving permissions", cut.Find("[data-testid='matrix-busy']").GetAttribute("aria-label"));
        Assert.All(cut.FindAll("input[type=checkbox]"), box => Assert.True(box.HasAttribute("disabled")));
        Set(cut, 4, Permissions.Ip.View, false); // a click that slipped in before the boxes were disabled
        Assert.DoesNotContain(cut.FindAll("[data-testid='diff-revoke']"), li => li.TextContent.Contains("Support"));

        pending.SetResult(SavedWithoutAudit);
        cut.WaitForAssertion(() => Assert.Contains("No pending changes", cut.Find("[data-testid='matrix-diff']").TextContent));
        Assert.True(cut.Find("[data-testid='cell-4-ip.view']").HasAttribute("checked")); // Support keeps ip.view, as stored
        Assert.False(cut.Find("[data-testid='cell-4-ip.view']").HasAttribute("disabled"));
        Assert.Single(_saves);
    }

    [Fact]
    public void While_the_page_creates_a_role_the_matrix_is_locked_with_a_named_progress_bar()
    {
        var cut = Render<PermissionMatrixEditor>(p => p
            .Add(x => x.Matrix, Loaded).Add(x => x.CanEdit, true).Add(x => x.BusyLabel, "Creating the role")
            .Add(x => x.Save, (_, _) => Task.FromResult(Loaded)).Add(x => x.Reload, () => Task.FromResult(Loaded)));
        Assert.Equal("Creating the role", cut.Find("[data-testid='matrix-busy']").GetAttribute("aria-label"));
        Set(cut, 4, Permissions.Audit.View, true);
        Assert.Contains("No pending changes", cut.Find("[data-testid='matrix-diff']").TextContent);
        Assert.False(cut.Find("[data-testid='cell-4-audit.view']").HasAttribute("checked"));
    }

    private static string Normalize(string text) => string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
