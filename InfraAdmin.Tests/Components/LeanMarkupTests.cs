using Bunit;
using InfraAdmin.Components.Shared;
using InfraAdmin.Features.IpReputation;

namespace InfraAdmin.Tests.Components;

/// <summary>Plain-markup chips look like MudChip (its classes, a coloured icon) and encode their text.</summary>
public sealed class LeanMarkupTests : BunitTest
{
    [Fact]
    public void A_chip_has_mudchips_classes_a_coloured_hidden_icon_and_encoded_text()
    {
        var cut = Render(LeanMarkup.Chip("<b>x</b>", MudBlazor.Icons.Material.Filled.Circle, MudBlazor.Color.Warning));
        var chip = cut.Find(".mud-chip");
        Assert.Equal("mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-default", chip.ClassName);
        var icon = chip.QuerySelector("svg")!;
        Assert.Contains("mud-warning-text", icon.ClassName);
        Assert.Equal("true", icon.GetAttribute("aria-hidden"));
        Assert.Equal("<b>x</b>", chip.QuerySelector(".mud-chip-content")!.TextContent);
        Assert.Null(chip.QuerySelector("b"));
    }

    [Fact]
    public void Ip_status_and_reputation_chips_carry_their_colour_and_a_dash_when_unknown()
    {
        Assert.Contains("mud-error-text", Render(IpChips.Status("burned")).Find("svg").ClassName);
        Assert.Contains("mud-success-text", Render(IpChips.Reputation("good")).Find("svg").ClassName);
        var unknown = Render(IpChips.Reputation(null));
        Assert.Contains("mud-icon-default", unknown.Find("svg").ClassName);
        Assert.Equal("—", unknown.Find(".mud-chip-content").TextContent);
    }

    [Fact]
    public void A_chip_is_one_markup_frame_shared_by_every_row_that_shows_it()
    {
#pragma warning disable BL0006 // reads the render tree to show what a row keeps
        static Microsoft.AspNetCore.Components.RenderTree.RenderTreeFrame[] Frames(Microsoft.AspNetCore.Components.RenderFragment chip)
        {
            var builder = new Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder();
            chip(builder);
            return builder.GetFrames().Array.Take(builder.GetFrames().Count).ToArray();
        }

        var first = Assert.Single(Frames(IpChips.Status("burned")));
        var second = Assert.Single(Frames(IpChips.Status("burned")));
        Assert.Equal(Microsoft.AspNetCore.Components.RenderTree.RenderTreeFrameType.Markup, first.FrameType);
        Assert.Same(first.MarkupContent, second.MarkupContent);
        Assert.NotSame(first.MarkupContent, Assert.Single(Frames(IpChips.Status("warmed"))).MarkupContent);
#pragma warning restore BL0006
    }

    [Fact]
    public void A_filled_chip_has_its_colour_its_test_id_and_no_icon()
    {
        var chip = Render(LeanMarkup.FilledChip("critical", MudBlazor.Color.Error, "sev")).Find(".mud-chip");
        Assert.Equal("mud-chip mud-chip-filled mud-chip-size-small mud-chip-color-error", chip.ClassName);
        Assert.Equal("sev", chip.GetAttribute("data-testid"));
        Assert.Null(chip.QuerySelector("svg"));
        Assert.Null(Render(LeanMarkup.FilledChip("x", MudBlazor.Color.Warning)).Find(".mud-chip").GetAttribute("data-testid"));
    }

    [Fact]
    public void A_checkbox_looks_like_mudcheckbox_is_named_and_reports_its_new_value()
    {
        bool? changed = null;
        var onChange = Microsoft.AspNetCore.Components.EventCallback.Factory.Create<Microsoft.AspNetCore.Components.ChangeEventArgs>(
            this, e => changed = e.Value is true);
        var off = Render(LeanMarkup.CheckBox(false, "Select <1.2.3.4>", onChange));
        Assert.Equal("mud-checkbox mud-input-content-placement-end", off.Find("label").ClassName);
        Assert.Contains("mud-checkbox-false", off.Find("label > span").ClassName);
        var input = off.Find("input.mud-checkbox-input");
        Assert.Equal(("checkbox", "Select <1.2.3.4>"), (input.GetAttribute("type"), input.GetAttribute("aria-label")));
        Assert.False(input.HasAttribute("checked"));
        Assert.Contains("M19 5v14H5V5h14", off.Find("svg").InnerHtml); // CheckBoxOutlineBlank
        input.Change(true);
        Assert.True(changed);

        var on = Render(LeanMarkup.CheckBox(true, "Select 1.2.3.4", onChange));
        Assert.Contains("mud-checkbox-true", on.Find("label > span").ClassName);
        Assert.True(on.Find("input").HasAttribute("checked"));
        Assert.Contains("l-5-5 1.41-1.41", on.Find("svg").InnerHtml); // CheckBox (ticked)
        on.Find("input").Change(false);
        Assert.False(changed);
    }

    [Fact]
    public void A_labeled_checkbox_looks_like_a_dense_mudcheckbox_with_a_label_is_named_by_it_and_reports_its_value()
    {
        var mud = Render<MudBlazor.MudCheckBox<bool>>(p => p.Add(c => c.Label, "Stale check").Add(c => c.Dense, true)).Find("label");
        bool? changed = null;
        var lean = Render(LeanMarkup.LabeledCheckBox(false, "Stale <check>",
            Microsoft.AspNetCore.Components.EventCallback.Factory.Create<Microsoft.AspNetCore.Components.ChangeEventArgs>(this, e => changed = e.Value is true), "f")).Find("label");
        Assert.Equal(mud.ClassName, lean.ClassName);
        Assert.Equal(mud.QuerySelector("span")!.ClassName, lean.QuerySelector("span")!.ClassName);
        Assert.Equal(mud.QuerySelector("span.mud-typography")!.ClassName, lean.QuerySelector("span.mud-typography")!.ClassName);
        Assert.Equal(mud.QuerySelector("svg")!.InnerHtml, lean.QuerySelector("svg")!.InnerHtml);
        Assert.Equal("Stale <check>", lean.QuerySelector("span.mud-typography")!.TextContent); // text, encoded; it names the input (a label around it)
        Assert.Equal("f", lean.GetAttribute("data-testid"));
        lean.QuerySelector("input")!.Change(true);
        Assert.True(changed);
        Assert.Contains("mud-checkbox-true", Render(LeanMarkup.LabeledCheckBox(true, "x", default)).Find("label span").ClassName);
    }

    [Fact]
    public void An_outlined_link_is_mudbuttons_outlined_link_with_its_start_icon()
    {
        var mud = Render<MudBlazor.MudButton>(p => p.Add(b => b.Href, "x.csv?a=1&b=2").Add(b => b.Variant, MudBlazor.Variant.Outlined)
            .Add(b => b.StartIcon, MudBlazor.Icons.Material.Filled.Download)).Find("a");
        var lean = Render(LeanMarkup.OutlinedLink("x.csv?a=1&b=2", "Export <CSV>", MudBlazor.Icons.Material.Filled.Download, "export")).Find("a");
        Assert.Equal(mud.ClassName, lean.ClassName);
        Assert.Equal(mud.GetAttribute("href"), lean.GetAttribute("href"));
        Assert.Equal(mud.QuerySelector(".mud-button-icon-start")!.ClassName, lean.QuerySelector(".mud-button-icon-start")!.ClassName);
        Assert.Equal(mud.QuerySelector("svg")!.ClassName, lean.QuerySelector("svg")!.ClassName);
        Assert.Equal(mud.QuerySelector("svg")!.InnerHtml, lean.QuerySelector("svg")!.InnerHtml);
        Assert.Equal("Export <CSV>", lean.TextContent);
        Assert.Equal("export", lean.GetAttribute("data-testid"));
    }

    [Fact]
    public void The_small_button_classes_are_mudbuttons_own()
    {
        var outlined = Render<MudBlazor.MudButton>(p => p.Add(b => b.Size, MudBlazor.Size.Small).Add(b => b.Variant, MudBlazor.Variant.Outlined));
        Assert.Equal(LeanMarkup.SmallOutlinedButton, outlined.Find("button").ClassName);
        var link = Render<MudBlazor.MudButton>(p => p.Add(b => b.Size, MudBlazor.Size.Small).Add(b => b.Variant, MudBlazor.Variant.Text).Add(b => b.Href, "x"));
        Assert.Equal(LeanMarkup.SmallTextButton, link.Find("a").ClassName);
    }

    [Fact]
    public void The_ip_overviews_donut_is_drawn_by_the_live_page_only_with_its_place_kept_before()
    {
        var overview = new IpOverview(3, 1, 0, 0, 0, 24, [new CountBy("available", 2), new CountBy("burned", 1)], [], [], [], 0);
        RenderInteractively();
        var live = Render<IpOverviewPanel>(p => p.Add(x => x.Overview, overview));
        Assert.NotNull(live.Find(".status-donut").QuerySelector(".mud-chart"));

        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false)); // prerendering
        var first = Render<IpOverviewPanel>(p => p.Add(x => x.Overview, overview));
        Assert.Null(first.Find(".status-donut").QuerySelector(".mud-chart"));
        Assert.Equal(["available", "burned"], first.FindAll("[data-testid=by-status] a").Select(a => a.TextContent)); // the counts say it meanwhile
    }
}
