using System.Text.Json;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Web.Components.Labeling;
using Annotator.Web.Workspace;
using Bunit;
using Microsoft.AspNetCore.Components.Web;

namespace Annotator.Tests.Web.Components;

/// <summary>The workspace's side panel: label palette, region list, region editor, image-level questions.</summary>
public sealed class SidePanelComponents : BunitContext
{
    private static readonly TaxonomyDefinition Taxonomy = DemoTaxonomy.Create();
    private static readonly LabelDefinition Person = Taxonomy.Labels.Single(l => l.Name == "person");
    private static readonly LabelDefinition Animal = Taxonomy.Labels.Single(l => l.Name == "animal");
    private static readonly LabelDefinition Vehicle = Taxonomy.Labels.Single(l => l.Name == "vehicle");

    public SidePanelComponents() => this.AddTestServices();

    private static RegionItem Region(LabelDefinition label, ShapeKind kind = ShapeKind.Box, string attributes = "{}", bool locked = false) =>
        new(Guid.NewGuid(), label.Id, kind, attributes, 0, Hidden: false, Locked: locked, Revision: 1, Incomplete: false, Flags: []);

    [Fact]
    public void ThePaletteShowsEveryLabelWithItsHotkeyAndReportsThePick()
    {
        var picked = new List<Guid>();
        var cut = Render<LabelPalette>(p => p.Add(c => c.Labels, Taxonomy.Labels).Add(c => c.ActiveLabelId, Person.Id)
            .Add(c => c.OnPick, id => picked.Add(id)));

        Assert.Equal("1", cut.Find("[data-testid=label-person] kbd").TextContent);
        Assert.Equal("true", cut.Find("[data-testid=label-person]").GetAttribute("aria-selected"));
        cut.Find("[data-testid=label-vehicle]").Click();
        Assert.Equal([Vehicle.Id], picked);
    }

    [Fact]
    public void ManyLabelsGetAFilterWhoseEnterPicksTheFirstMatch()
    {
        var picked = new List<Guid>();
        var coco = TaxonomyTemplates.Get("coco-objects").Create().Labels;
        var cut = Render<LabelPalette>(p => p.Add(c => c.Labels, coco).Add(c => c.OnPick, id => picked.Add(id)));
        Assert.Equal(80, cut.FindAll("[role=option]").Count);

        var filter = cut.Find("[data-testid=label-filter]");
        Assert.Equal("Filter 80 labels…", filter.GetAttribute("placeholder"));
        filter.Input("CA");
        Assert.Equal(["car", "cat", "suitcase", "carrot", "cake"], cut.FindAll("[role=option] .name").Select(n => n.TextContent));
        cut.Find("[data-testid=label-filter]").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        Assert.Equal([coco.Single(l => l.Name == "car").Id], picked);
        Assert.Equal(80, cut.FindAll("[role=option]").Count);

        cut.Find("[data-testid=label-filter]").Input("unicorn");
        Assert.Equal("No label matches 'unicorn'.", cut.Find("[data-testid=label-filter-none]").TextContent);
        cut.Find("[data-testid=label-filter]").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        Assert.Equal(80, cut.FindAll("[role=option]").Count);
        // A few labels need no filter; none are said to be missing.
        Assert.Empty(Render<LabelPalette>(p => p.Add(c => c.Labels, Taxonomy.Labels)).FindAll("[data-testid=label-filter]"));
        var empty = Render<LabelPalette>(p => p.Add(c => c.Labels, Array.Empty<LabelDefinition>()));
        Assert.Equal("No labels yet: an admin adds them in the project's taxonomy editor.", empty.Find("[data-testid=no-labels]").TextContent);
        Assert.Empty(empty.FindAll("[data-testid=label-filter-none]"));
    }

    [Fact]
    public void ThePaletteLeavesDeprecatedLabelsOut()
    {
        var labels = Taxonomy.Labels.Select(l => l.Id == Animal.Id ? l with { Deprecated = true } : l).ToList();
        var cut = Render<LabelPalette>(p => p.Add(c => c.Labels, labels));

        Assert.Empty(cut.FindAll("[data-testid=label-animal]"));
        Assert.Single(cut.FindAll("[data-testid=label-person]"));
    }

    [Fact]
    public void TheRegionListFiltersByLabelAndSelectsOnClick()
    {
        var regions = new List<RegionItem> { Region(Person), Region(Animal), Region(Animal, ShapeKind.Polygon) };
        var clicked = new List<Guid>();
        var cut = Render<RegionList>(p => p.Add(c => c.Regions, regions).Add(c => c.Labels, Taxonomy.Labels)
            .Add(c => c.Selected, new HashSet<Guid> { regions[1].Id }).Add(c => c.OnSelect, id => clicked.Add(id)));

        Assert.Equal("3", cut.Find("[data-testid=region-count]").TextContent);
        Assert.Equal("true", cut.FindAll("[data-testid=region-row]")[1].GetAttribute("aria-pressed"));
        cut.Find("[data-testid=region-filter]").Change(Animal.Id.ToString());
        Assert.Equal("2", cut.Find("[data-testid=region-count]").TextContent);
        Assert.All(cut.FindAll("[data-testid=region-row]"), row => Assert.Contains("animal", row.TextContent));
        cut.FindAll("[data-testid=region-row]")[1].Click();
        Assert.Equal([regions[2].Id], clicked);
    }

    [Fact]
    public void TheRegionEditorTurnsEachChangeIntoOneOperation()
    {
        var region = Region(Vehicle);
        var changes = new List<RegionChanges>();
        var cut = Render<RegionEditor>(p => p.Add(c => c.Region, region).Add(c => c.Labels, Taxonomy.Labels)
            .Add(c => c.ProjectAttributes, Taxonomy.ProjectAttributes).Add(c => c.OnChange, c => changes.Add(c)));

        cut.Find("[data-testid='attribute-kind'] select").Change("truck");
        cut.Find("[data-testid=region-label]").Change(Animal.Id.ToString());
        cut.Find("[data-testid=toggle-hidden]").Click();

        Assert.Equal(3, changes.Count);
        var kind = Vehicle.Attributes.Single(a => a.Name == "kind").Id.ToString();
        using (var attributes = JsonDocument.Parse(changes[0].Attributes!))
        {
            Assert.Equal("truck", attributes.RootElement.GetProperty(kind).GetString());
        }
        Assert.Equal(Animal.Id, changes[1].LabelId);
        Assert.True(changes[2].Hidden);
    }

    [Fact]
    public void ALockedRegionOffersNoEditsButUnlocking()
    {
        var cut = Render<RegionEditor>(p => p.Add(c => c.Region, Region(Person, locked: true)).Add(c => c.Labels, Taxonomy.Labels)
            .Add(c => c.ProjectAttributes, Taxonomy.ProjectAttributes));

        Assert.True(cut.Find("[data-testid=region-label]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=delete-region]").HasAttribute("disabled"));
        Assert.False(cut.Find("[data-testid=toggle-locked]").HasAttribute("disabled"));
    }

    [Fact]
    public void TheLabelChoiceOffersOnlyLabelsThatAllowTheShape()
    {
        var cut = Render<RegionEditor>(p => p.Add(c => c.Region, Region(Person, ShapeKind.Keypoints)).Add(c => c.Labels, Taxonomy.Labels)
            .Add(c => c.ProjectAttributes, Taxonomy.ProjectAttributes));

        var options = cut.FindAll("[data-testid=region-label] option").Select(o => o.TextContent).ToList();
        Assert.Equal(["person"], options);
    }

    [Fact]
    public void QuestionsAnswerSingleAndMultipleChoice()
    {
        var answers = new List<(Guid, string)>();
        var time = Taxonomy.Questions.Single(q => !q.Multiple);
        var weather = Taxonomy.Questions.Single(q => q.Multiple);
        var given = new Dictionary<Guid, string> { [weather.Id] = JsonSerializer.Serialize(new[] { weather.Options[0] }) };
        var cut = Render<QuestionPanel>(p => p.Add(c => c.Questions, Taxonomy.Questions).Add(c => c.Answers, given)
            .Add(c => c.OnAnswer, a => answers.Add(a)));

        cut.FindAll($"[data-testid='question-{time.Text}'] input")[1].Change(true);
        cut.FindAll($"[data-testid='question-{weather.Text}'] input")[2].Change(true);

        Assert.Equal((time.Id, JsonSerializer.Serialize(time.Options[1])), answers[0]);
        Assert.Equal((weather.Id, JsonSerializer.Serialize(new[] { weather.Options[0], weather.Options[2] })), answers[1]);
    }

    [Fact]
    public void AFollowUpQuestionShowsOnlyAfterItsParentAnswer()
    {
        var parent = new QuestionDefinition { Id = Guid.NewGuid(), Text = "Animals?", Options = ["yes", "no"] };
        var child = new QuestionDefinition { Id = Guid.NewGuid(), Text = "Which?", Options = ["cat", "dog"], ParentQuestionId = parent.Id, ParentOption = "yes" };
        QuestionDefinition[] questions = [parent, child];

        var without = Render<QuestionPanel>(p => p.Add(c => c.Questions, questions).Add(c => c.Answers, new Dictionary<Guid, string>()));
        var with = Render<QuestionPanel>(p => p.Add(c => c.Questions, questions)
            .Add(c => c.Answers, new Dictionary<Guid, string> { [parent.Id] = "\"yes\"" }));

        Assert.Empty(without.FindAll("[data-testid='question-Which?']"));
        Assert.Single(with.FindAll("[data-testid='question-Which?']"));
    }
}
