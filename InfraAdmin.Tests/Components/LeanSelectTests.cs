using Bunit;
using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace InfraAdmin.Tests.Components;

/// <summary>LeanSelect: a native select in a dense MudSelect's look, named by its label, that reports the chosen value.</summary>
public sealed class LeanSelectTests : BunitTest
{
    [Fact]
    public void It_is_a_select_named_by_its_label_with_an_empty_choice_first_and_encoded_texts()
    {
        var cut = Render<LeanSelect>(p => p
            .Add(x => x.Label, "Status")
            .Add(x => x.Options, ["good", "<bad>"])
            .Add(x => x.Text, v => v.ToUpperInvariant())
            .Add(x => x.EmptyText, "Any status")
            .AddUnmatched("data-testid", "filter-status"));
        var select = cut.Find("select");
        Assert.Equal("filter-status", select.GetAttribute("data-testid"));
        Assert.Equal("Status", cut.Find($"label[for='{select.Id}']").TextContent);
        var options = cut.FindAll("option").Select(o => (o.GetAttribute("value"), o.TextContent)).ToList();
        Assert.Equal([("", "Any status"), ("good", "GOOD"), ("<bad>", "<BAD>")], options);
        Assert.Empty(cut.FindAll("bad"));
        Assert.Contains("mud-shrink", cut.Find(".mud-input").ClassName); // the label stays raised: a select always shows a text
        Assert.Contains("mud-input-control-margin-dense", cut.Find(".mud-input-control").ClassName);
    }

    [Fact]
    public void Choosing_reports_the_value_and_the_empty_choice_reports_null()
    {
        var reported = new List<string?>();
        var cut = Render<LeanSelect>(p => p
            .Add(x => x.Label, "Region")
            .Add(x => x.Options, ["us-east", "eu-west"])
            .Add(x => x.EmptyText, "Any region")
            .Add(x => x.Value, "us-east")
            .Add(x => x.ValueChanged, v => reported.Add(v)));
        cut.Find("select").Change("eu-west");
        cut.Find("select").Change("");
        Assert.Equal(["eu-west", null], reported);
    }

    [Fact]
    public void Without_an_empty_text_there_is_no_empty_choice_and_a_disabled_select_looks_disabled()
    {
        var cut = Render<LeanSelect>(p => p
            .Add(x => x.Label, "Month")
            .Add(x => x.Options, ["2026-12", "2026-11"])
            .Add(x => x.Value, "2026-11")
            .Add(x => x.Disabled, true));
        Assert.Equal(["2026-12", "2026-11"], cut.FindAll("option").Select(o => o.GetAttribute("value")));
        Assert.True(cut.Find("select").HasAttribute("disabled"));
        Assert.Contains("mud-disabled", cut.Find(".mud-input").ClassName);
    }

    [Fact]
    public async Task Prerendered_html_marks_the_chosen_option_selected()
    {
        // The page's first response is static HTML: the browser shows the chosen month before the circuit starts.
        await using var renderer = new Microsoft.AspNetCore.Components.Web.HtmlRenderer(Services, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<LeanSelect>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(LeanSelect.Label)] = "Month",
                [nameof(LeanSelect.Options)] = new[] { "2026-12", "2026-11" },
                [nameof(LeanSelect.Value)] = "2026-11",
            }));
            return output.ToHtmlString();
        });
        Assert.Contains("<option value=\"2026-11\" selected>", html);
        Assert.DoesNotContain("<option value=\"2026-12\" selected", html);
    }
}
