using Annotator.Core.Taxonomy;
using Annotator.Tests.Web.Components;
using Annotator.Web.Components.Labeling;
using Annotator.Web.Components.Taxonomy;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Guidelines;

/// <summary>Guidelines in components: label chips with their guide, the workspace's guide panel, the Markdown editor.</summary>
public sealed class GuidelineComponents : BunitContext
{
    private const int Project = 3;
    private const string Asset = "/projects/3/guideline-assets/0123456789abcdef0123456789abcdef.png";

    private static readonly LabelDefinition Car = new()
    {
        Id = Guid.NewGuid(), Name = "car", Color = "#e6194b", Hotkey = "1", Description = "Any passenger car.",
        Guideline = "Box the **whole** car, mirrors included.",
    };

    private static readonly LabelDefinition Person = new()
    {
        Id = Guid.NewGuid(), Name = "person", Color = "#3cb44b", Hotkey = "2", Guideline = $"## Pedestrians\n\n![walking]({Asset})",
    };

    private static readonly LabelDefinition Sign = new() { Id = Guid.NewGuid(), Name = "sign", Color = "#4363d8" };

    private static readonly LabelDefinition Hostile = new()
    {
        Id = Guid.NewGuid(), Name = "<script>alert(1)</script>", Color = "#911eb4", Description = "<b>x</b>",
        Guideline = "<img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=1</script>",
    };

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "annotator-tests", Guid.NewGuid().ToString("N"));

    public GuidelineComponents()
    {
        this.AddTestServices();
        this.AddGuidelineUploads(_dataPath);
    }

    [Fact]
    public void ThePaletteShowsNamesAndDescriptionsAsText()
    {
        var cut = Render<LabelPalette>(p => p.Add(c => c.Labels, [Car, Hostile]).Add(c => c.ProjectId, Project));

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("b"));
        var chip = cut.Find($"[data-testid='label-{Hostile.Name}']");
        Assert.Equal(Hostile.Name, chip.QuerySelector(".name")!.TextContent);
        Assert.Equal("<b>x</b>", chip.GetAttribute("title"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", cut.Markup);
    }

    [Fact]
    public void ThePaletteOffersTheGuideOnlyForLabelsThatHaveOne()
    {
        var cut = Render<LabelPalette>(p => p.Add(c => c.Labels, [Car, Person, Sign]).Add(c => c.ProjectId, Project));

        Assert.Single(cut.FindAll("[data-testid=label-info-car]"));
        Assert.Single(cut.FindAll("[data-testid=label-info-person]"));
        Assert.Empty(cut.FindAll("[data-testid=label-info-sign]"));
        Assert.Equal("Guideline for car", cut.Find("[data-testid=label-info-car]").GetAttribute("aria-label"));
        Assert.Equal("Any passenger car.", cut.Find("[data-testid=label-car]").GetAttribute("title"));
    }

    [Fact]
    public void TheGuidePanelShowsTheProjectGuidelineThenTheActiveLabelFirstAndOpen()
    {
        var taxonomy = new TaxonomyDefinition { Labels = [Car, Person, Sign], Guideline = "# How we label\n\nLabel **everything** you see." };

        var cut = Render<GuidePanel>(p => p.Add(c => c.Taxonomy, taxonomy).Add(c => c.ProjectId, Project).Add(c => c.ActiveLabelId, Person.Id));

        Assert.Equal("How we label", cut.Find("[data-testid=project-guideline] h1").TextContent);
        var labels = cut.FindAll("[data-testid=guide-label]");
        Assert.Equal([Person.Id.ToString(), Car.Id.ToString(), Sign.Id.ToString()], labels.Select(l => l.GetAttribute("data-label-id")));
        Assert.True(labels[0].HasAttribute("open"));
        Assert.False(labels[1].HasAttribute("open"));
        Assert.Equal("Pedestrians", labels[0].QuerySelector("h2")?.TextContent);
        Assert.Equal(Asset, labels[0].QuerySelector("img")?.GetAttribute("src"));
        Assert.Equal("Any passenger car.", labels[1].QuerySelector("[data-testid=guide-label-description]")?.TextContent);
        Assert.Equal("whole", labels[1].QuerySelector("strong")?.TextContent);
    }

    [Fact]
    public void TheGuidePanelFollowsTheActiveLabel()
    {
        var taxonomy = new TaxonomyDefinition { Labels = [Car, Person, Sign] };
        var cut = Render<GuidePanel>(p => p.Add(c => c.Taxonomy, taxonomy).Add(c => c.ActiveLabelId, Car.Id));

        cut.Render(p => p.Add(c => c.ActiveLabelId, Sign.Id));

        var labels = cut.FindAll("[data-testid=guide-label]");
        Assert.Equal(Sign.Id.ToString(), labels[0].GetAttribute("data-label-id"));
        Assert.True(labels[0].HasAttribute("open"));
        Assert.False(cut.Find($"[data-label-id='{Car.Id}']").HasAttribute("open"));
        Assert.Contains("This project has no general guideline.", cut.Find("[data-testid=project-guideline]").TextContent);
    }

    [Fact]
    public void TheGuidePanelNeverRendersHtmlFromTheTaxonomy()
    {
        var taxonomy = new TaxonomyDefinition { Labels = [Hostile], Guideline = "<iframe src=\"https://evil.example.com\"></iframe>" };

        var cut = Render<GuidePanel>(p => p.Add(c => c.Taxonomy, taxonomy).Add(c => c.ActiveLabelId, Hostile.Id));

        Assert.Empty(cut.FindAll("script, img, iframe, b"));
        Assert.Equal(Hostile.Name, cut.Find("[data-testid=guide-label] .name").TextContent);
        Assert.Equal("<b>x</b>", cut.Find("[data-testid=guide-label-description]").TextContent);
        Assert.Contains("<script>window.__pwned=1</script>", cut.Find("[data-testid=guide-label-guideline]").TextContent);
        Assert.Contains("<iframe", cut.Find("[data-testid=project-guideline]").TextContent);
    }

    [Fact]
    public void TheGuidePanelsCloseButtonReportsIt()
    {
        var closed = 0;
        var cut = Render<GuidePanel>(p => p.Add(c => c.Taxonomy, new TaxonomyDefinition()).Add(c => c.OnClose, () => closed++));

        cut.Find("[data-testid=guide-close]").Click();

        Assert.Equal(1, closed);
    }

    [Fact]
    public void TheEditorsPreviewShowsRenderedMarkdown()
    {
        var cut = Render<GuidelineEditor>(p => p.Add(c => c.Value, "# Cars\n\n- [x] whole car\n- mirrors\n\n| a | b |\n|---|---|\n| 1 | 2 |")
            .Add(c => c.ProjectId, Project).Add(c => c.Label, "Guideline for 'car'"));

        Assert.Contains("Guideline for 'car'", cut.Markup);
        cut.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Preview")).Click();

        var preview = cut.Find("[data-testid=guideline-preview]");
        Assert.Equal("Cars", preview.QuerySelector("h1")?.TextContent);
        Assert.Equal(2, preview.QuerySelectorAll("li").Length);
        Assert.NotNull(preview.QuerySelector("li input[type=checkbox][checked]"));
        Assert.Equal("2", preview.QuerySelectorAll("td")[1].TextContent);
    }

    [Fact]
    public void TheEditorReportsTypingAndOffersImagesOnlyWhenWritable()
    {
        var values = new List<string>();
        var cut = Render<GuidelineEditor>(p => p.Add(c => c.Value, "").Add(c => c.ValueChanged, v => values.Add(v)));

        cut.Find("textarea").Input("Draw **tight** boxes.");
        cut.WaitForAssertion(() => Assert.Equal(["Draw **tight** boxes."], values));
        Assert.Single(cut.FindAll("[data-testid=guideline-image-input]"));
        Assert.Equal(GuidelineEditor.MaxLength.ToString(), cut.Find("textarea").GetAttribute("maxlength"));

        cut.Render(p => p.Add(c => c.ReadOnly, true));
        Assert.Empty(cut.FindAll("[data-testid=guideline-image-input]"));
    }

    [Fact]
    public void TheEditorsLimitIsTheTaxonomysLimit()
    {
        var within = new TaxonomyDefinition { Labels = [Car with { Guideline = new string('a', GuidelineEditor.MaxLength) }] };
        var over = new TaxonomyDefinition { Guideline = new string('a', GuidelineEditor.MaxLength + 1) };

        Assert.DoesNotContain(within.Validate(), p => p.Contains("guideline", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(over.Validate(), p => p.Contains("guideline", StringComparison.OrdinalIgnoreCase));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
