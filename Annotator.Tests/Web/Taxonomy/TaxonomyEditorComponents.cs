using Annotator.Core.Taxonomy;
using Annotator.Tests.Web.Components;
using Annotator.Web.Components.Taxonomy;
using Annotator.Web.Taxonomy;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Annotator.Tests.Web.Taxonomy;

/// <summary>
/// The taxonomy editor's leaf components with plain parameters: the tree (hierarchy, moves, refused cycles), the hotkey
/// field, the attribute dialog, the merge dialog, deleting a used label, and the list of the model's problems.
/// </summary>
public sealed class TaxonomyEditorComponents : BunitContext
{
    private static readonly Guid Animal = Guid.NewGuid(), Cat = Guid.NewGuid(), Kitten = Guid.NewGuid(), Dog = Guid.NewGuid(), Vehicle = Guid.NewGuid();

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "annotator-tests", Guid.NewGuid().ToString("N"));

    public TaxonomyEditorComponents()
    {
        this.AddTestServices();
        this.AddGuidelineUploads(_dataPath);
    }

    /// <summary>animal › (cat › kitten, dog), vehicle; hotkeys 1 (animal) and 2 (vehicle).</summary>
    private static TaxonomyDraft Draft() => TaxonomyDraft.From(new TaxonomyDefinition())
        .AddLabel(Animal, "animal").AddLabel(Cat, "cat", Animal).AddLabel(Kitten, "kitten", Cat).AddLabel(Dog, "dog", Animal)
        .AddLabel(Vehicle, "vehicle")
        .UpdateLabel(Animal, l => l with { Hotkey = "1" }).UpdateLabel(Vehicle, l => l with { Hotkey = "2" });

    private IRenderedComponent<LabelTree> Tree(TaxonomyDraft draft, List<TaxonomyDraft> changes, List<string>? errors = null) =>
        Render<LabelTree>(p => p.Add(c => c.Draft, draft).Add(c => c.Usage, new Dictionary<Guid, int> { [Cat] = 12, [Vehicle] = 1 })
            .Add(c => c.OnChange, d => changes.Add(d)).Add(c => c.OnError, m => errors?.Add(m)));

    private static List<(string Name, string Level)> Rows(IRenderedComponent<LabelTree> tree) =>
        [.. tree.FindAll("[role=treeitem]").Select(r => (r.QuerySelector(".name")!.TextContent, r.GetAttribute("aria-level")!))];

    private static List<string> Names(TaxonomyDraft draft, Guid? parent) => [.. draft.Children(parent).Select(l => l.Name)];

    [Fact]
    public void TheTreeShowsTheHierarchyInListOrderWithHotkeysUsageAndBadges()
    {
        var draft = Draft().Deprecate(Dog).Split(Vehicle, [(Guid.NewGuid(), "car"), (Guid.NewGuid(), "truck")]);

        var tree = Tree(draft, []);

        Assert.Equal([("animal", "1"), ("cat", "2"), ("kitten", "3"), ("dog", "2"), ("vehicle", "1"), ("car", "1"), ("truck", "1")], Rows(tree));
        Assert.Equal("1", tree.Find("[data-testid=label-row-animal] kbd").TextContent);
        Assert.Equal("12 regions", tree.Find("[data-testid=label-row-cat] [data-testid=label-usage]").TextContent);
        Assert.Equal("1 region", tree.Find("[data-testid=label-row-vehicle] [data-testid=label-usage]").TextContent);
        Assert.Equal("unused", tree.Find("[data-testid=label-row-dog] [data-testid=label-usage]").TextContent);
        Assert.Equal("deprecated", tree.Find("[data-testid=label-row-dog] .badge").TextContent);
        Assert.Equal("split", tree.Find("[data-testid=label-row-vehicle] .badge").TextContent);
        Assert.Equal("true", tree.Find("[data-testid=label-row-cat]").GetAttribute("draggable"));
    }

    [Fact]
    public void MoveUpAndIndentFromTheKeyboardHandBackTheMovedDraft()
    {
        var changes = new List<TaxonomyDraft>();
        var tree = Tree(Draft(), changes);

        tree.Find("[data-testid=label-row-dog]").KeyDown(new KeyboardEventArgs { Key = "ArrowUp", CtrlKey = true });
        tree.Find("[data-testid=label-row-dog]").KeyDown(new KeyboardEventArgs { Key = "ArrowRight", CtrlKey = true });

        Assert.Equal(2, changes.Count);
        Assert.Equal(["dog", "cat"], Names(changes[0], Animal));
        // The tree was not re-rendered with the first result (the page does that), so the indent starts from the
        // original draft: dog goes under its previous sibling, cat, after kitten.
        Assert.Equal(["kitten", "dog"], Names(changes[1], Cat));
        Assert.Equal(["cat"], Names(changes[1], Animal));
    }

    [Fact]
    public void TheRowMenuMovesDownOutdentsAndAddsASublabel()
    {
        var changes = new List<TaxonomyDraft>();
        var added = new List<Guid>();
        var page = Render<Host>(p => p.AddChildContent(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<LabelTree>(1);
            b.AddComponentParameter(2, nameof(LabelTree.Draft), Draft());
            b.AddComponentParameter(3, nameof(LabelTree.Usage), new Dictionary<Guid, int>());
            b.AddComponentParameter(4, nameof(LabelTree.OnChange), Microsoft.AspNetCore.Components.EventCallback.Factory.Create<TaxonomyDraft>(this, changes.Add));
            b.AddComponentParameter(5, nameof(LabelTree.OnAdd), Microsoft.AspNetCore.Components.EventCallback.Factory.Create<Guid>(this, added.Add));
            b.CloseComponent();
        }));

        void Pick(string row, string item)
        {
            page.Find($"[data-testid='label-menu-{row}'] button").Click();
            page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll($"[data-testid={item}]")));
            page.Find($"[data-testid={item}]").Click();
        }

        Pick("cat", "move-down");
        Pick("kitten", "outdent");
        Pick("vehicle", "add-sublabel");

        Assert.Equal(["dog", "cat"], Names(changes[0], Animal));
        Assert.Equal(["cat", "kitten", "dog"], Names(changes[1], Animal));
        Assert.Equal([Vehicle], added);
    }

    [Fact]
    public void DroppingALabelInsideItsOwnSublabelIsRefusedWithTheModelsMessage()
    {
        var changes = new List<TaxonomyDraft>();
        var errors = new List<string>();
        var tree = Tree(Draft(), changes, errors);

        tree.Find("[data-testid=label-row-animal]").TriggerEvent("ondragstart", new DragEventArgs());
        tree.Find("[data-testid=label-row-kitten]").TriggerEvent("ondrop", new DragEventArgs { OffsetY = LabelTree.RowHeight / 2 });

        Assert.Empty(changes);
        Assert.Equal(["'animal' cannot go under 'kitten', which is inside it: that would make a cycle."], errors);
    }

    [Theory]
    [InlineData(3, DropPlace.Before, new[] { "animal", "kitten", "vehicle" }, new[] { "cat", "dog" })]
    [InlineData(33, DropPlace.After, new[] { "animal", "vehicle", "kitten" }, new[] { "cat", "dog" })]
    [InlineData(18, DropPlace.Inside, new[] { "animal", "vehicle" }, new[] { "cat", "dog" })]
    public void WhereADropLandsDependsOnTheThirdOfTheRow(double offsetY, DropPlace place, string[] topLevel, string[] underAnimal)
    {
        var changes = new List<TaxonomyDraft>();
        var tree = Tree(Draft(), changes);

        Assert.Equal(place, LabelMoves.PlaceAt(offsetY, LabelTree.RowHeight));
        tree.Find("[data-testid=label-row-kitten]").TriggerEvent("ondragstart", new DragEventArgs());
        tree.Find("[data-testid=label-row-vehicle]").TriggerEvent("ondragover", new DragEventArgs { OffsetY = offsetY });
        Assert.Contains(place switch { DropPlace.Before => "drop-before", DropPlace.After => "drop-after", _ => "drop-inside" },
            tree.Find("[data-testid=label-row-vehicle]").ClassList);
        tree.Find("[data-testid=label-row-vehicle]").TriggerEvent("ondrop", new DragEventArgs { OffsetY = offsetY });

        var moved = Assert.Single(changes);
        Assert.Equal(topLevel, Names(moved, null));
        Assert.Equal(underAnimal, Names(moved, Animal));
        Assert.Equal(place == DropPlace.Inside ? ["kitten"] : [], Names(moved, Vehicle));
        Assert.Empty(Names(moved, Cat));
    }

    [Fact]
    public void TheHotkeyFieldRefusesAnotherLabelsKeyAndAToolsKeyAndTakesAFreeOne()
    {
        var picked = new List<string?>();
        var field = Render<HotkeyField>(p => p.Add(c => c.Value, null).Add(c => c.LabelId, Cat).Add(c => c.Labels, Draft().Definition.Labels)
            .Add(c => c.ValueChanged, k => picked.Add(k)));
        var input = field.Find("[data-testid=hotkey-field]");

        input.Focus();
        input.KeyDown(new KeyboardEventArgs { Key = "2" });
        Assert.Equal("'2' is already the hotkey of 'vehicle'.", field.Find("[data-testid=hotkey-problem]").TextContent);
        input.KeyDown(new KeyboardEventArgs { Key = "B" });
        Assert.Equal("'b' is the box tool's key in the workspace.", field.Find("[data-testid=hotkey-problem]").TextContent);
        input.KeyDown(new KeyboardEventArgs { Key = "n" });
        Assert.Equal("'n' is the workspace's key for next image.", field.Find("[data-testid=hotkey-problem]").TextContent);
        Assert.Empty(picked);

        input.KeyDown(new KeyboardEventArgs { Key = "Shift" });
        input.KeyDown(new KeyboardEventArgs { Key = "Q" });
        Assert.Empty(field.FindAll("[data-testid=hotkey-problem]"));
        Assert.Equal(["q"], picked);
    }

    [Fact]
    public void TheHotkeyFieldKeepsItsOwnKeyAndClearsWithBackspace()
    {
        var picked = new List<string?>();
        var field = Render<HotkeyField>(p => p.Add(c => c.Value, "1").Add(c => c.LabelId, Animal).Add(c => c.Labels, Draft().Definition.Labels)
            .Add(c => c.ValueChanged, k => picked.Add(k)));

        Assert.Equal("1", field.Find("[data-testid=hotkey-field]").GetAttribute("value"));
        field.Find("[data-testid=hotkey-field]").KeyDown(new KeyboardEventArgs { Key = "1" });
        Assert.Empty(field.FindAll("[data-testid=hotkey-problem]"));
        field.Find("[data-testid=hotkey-field]").KeyDown(new KeyboardEventArgs { Key = "Backspace" });
        Assert.Equal([null], picked);
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> AttributeDialogAsync(
        AttributeDefinition? attribute = null, IReadOnlyList<AttributeDefinition>? others = null)
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<AttributeDialog>
        {
            { d => d.Attribute, attribute ?? new AttributeDefinition { Id = Guid.NewGuid(), Name = "" } },
            { d => d.IsNew, attribute is null },
            { d => d.LabelName, "car" },
            { d => d.Others, others ?? [] },
        };
        var dialog = await provider.InvokeAsync(() => dialogs.ShowAsync<AttributeDialog>("Attribute", parameters));
        return (provider, dialog);
    }

    private static async Task<AttributeDefinition> SavedAsync(IRenderedComponent<MudDialogProvider> provider, IDialogReference dialog)
    {
        provider.Find("[data-testid=attribute-save]").Click();
        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
        var attribute = Assert.IsType<AttributeDefinition>(result.Data);
        Assert.Empty(new TaxonomyDefinition { ProjectAttributes = [attribute] }.Validate());
        return attribute;
    }

    [Fact]
    public async Task TheAttributeDialogMakesASingleSelectWithOptionsAndADefault()
    {
        var (provider, dialog) = await AttributeDialogAsync();
        provider.Find("input[data-testid=attribute-name]").Input("colour");
        provider.Find("select[data-testid=attribute-kind]").Change(nameof(AttributeKind.SingleSelect));
        provider.Find("textarea[data-testid=attribute-options]").Input("red\n green \n\nblue");
        provider.Find("[data-testid=attribute-default] select").Change("green");
        provider.Find("input[data-testid=attribute-required]").Change(true);

        var attribute = await SavedAsync(provider, dialog);

        Assert.Equal(("colour", AttributeKind.SingleSelect, true), (attribute.Name, attribute.Kind, attribute.Required));
        Assert.Equal(["red", "green", "blue"], attribute.Options);
        Assert.Equal("\"green\"", attribute.Default);
    }

    [Fact]
    public async Task TheAttributeDialogMakesAMultiSelectWithADefaultListInOptionOrder()
    {
        var (provider, dialog) = await AttributeDialogAsync();
        provider.Find("input[data-testid=attribute-name]").Input("damage");
        provider.Find("select[data-testid=attribute-kind]").Change(nameof(AttributeKind.MultiSelect));
        provider.Find("textarea[data-testid=attribute-options]").Input("dent\nscratch\nrust");
        var boxes = provider.FindAll("[data-testid=attribute-default] input[type=checkbox]");
        boxes[2].Change(true);
        provider.FindAll("[data-testid=attribute-default] input[type=checkbox]")[0].Change(true);

        var attribute = await SavedAsync(provider, dialog);

        Assert.Equal(AttributeKind.MultiSelect, attribute.Kind);
        Assert.Equal("[\"dent\",\"rust\"]", attribute.Default);
    }

    [Fact]
    public async Task TheAttributeDialogMakesACheckboxNumberAndText()
    {
        var (provider, dialog) = await AttributeDialogAsync();
        provider.Find("input[data-testid=attribute-name]").Input("parked");
        provider.Find("select[data-testid=attribute-kind]").Change(nameof(AttributeKind.Checkbox));
        provider.Find("[data-testid=attribute-default] select").Change("true");
        var checkbox = await SavedAsync(provider, dialog);
        Assert.Equal((AttributeKind.Checkbox, "true"), (checkbox.Kind, checkbox.Default));

        (provider, dialog) = await AttributeDialogAsync();
        provider.Find("input[data-testid=attribute-name]").Input("doors");
        provider.Find("select[data-testid=attribute-kind]").Change(nameof(AttributeKind.Number));
        provider.Find("input[data-testid=attribute-min]").Input("1");
        provider.Find("input[data-testid=attribute-max]").Input("5,5");
        provider.Find("[data-testid=attribute-default] input").Input("4");
        var number = await SavedAsync(provider, dialog);
        Assert.Equal((AttributeKind.Number, 1.0, 5.5, "4"), (number.Kind, number.Min, number.Max, number.Default));
        Assert.Empty(number.Options);

        (provider, dialog) = await AttributeDialogAsync();
        provider.Find("input[data-testid=attribute-name]").Input("plate");
        provider.Find("select[data-testid=attribute-kind]").Change(nameof(AttributeKind.Text));
        provider.Find("input[data-testid=attribute-maxlength]").Input("10");
        provider.Find("[data-testid=attribute-default] input").Input("unknown");
        var text = await SavedAsync(provider, dialog);
        Assert.Equal((AttributeKind.Text, 10, "\"unknown\""), (text.Kind, text.MaxLength, text.Default));
    }

    [Fact]
    public async Task TheAttributeDialogRefusesADefaultThatDoesNotFitAndStaysOpen()
    {
        var existing = new AttributeDefinition { Id = Guid.NewGuid(), Name = "count", Kind = AttributeKind.Number, Min = 1, Max = 100 };
        var (provider, dialog) = await AttributeDialogAsync(existing);
        provider.Find("[data-testid=attribute-default] input").Input("500");

        provider.Find("[data-testid=attribute-save]").Click();

        var problems = provider.Find("[data-testid=attribute-problems]").TextContent;
        Assert.Contains("The default of attribute 'count' of label 'car' does not fit", problems);
        Assert.False(dialog.Result.IsCompleted);

        provider.Find("[data-testid=attribute-default] input").Input("many");
        provider.Find("[data-testid=attribute-save]").Click();
        Assert.Contains("The default must be a number, not 'many'.", provider.Find("[data-testid=attribute-problems]").TextContent);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task TheAttributeDialogRefusesASelectWithoutOptionsAndATakenName()
    {
        var occluded = new AttributeDefinition { Id = Guid.NewGuid(), Name = "occluded", Kind = AttributeKind.Checkbox };
        var (provider, dialog) = await AttributeDialogAsync(others: [occluded]);
        provider.Find("input[data-testid=attribute-name]").Input("Occluded");
        provider.Find("select[data-testid=attribute-kind]").Change(nameof(AttributeKind.SingleSelect));

        provider.Find("[data-testid=attribute-save]").Click();

        var problems = provider.Find("[data-testid=attribute-problems]").TextContent;
        Assert.Contains("'occluded' is already an attribute here", problems);
        Assert.Contains("Attribute 'Occluded' of label 'car' needs at least one option.", problems);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task TheMergeDialogBuildsTheMappingAndShowsThePreviewCounts()
    {
        var colour = new AttributeDefinition { Id = Guid.NewGuid(), Name = "colour", Kind = AttributeKind.SingleSelect, Options = ["red", "blue"] };
        var wheels = new AttributeDefinition { Id = Guid.NewGuid(), Name = "wheels", Kind = AttributeKind.Number };
        var paint = new AttributeDefinition { Id = Guid.NewGuid(), Name = "paint", Kind = AttributeKind.SingleSelect, Options = ["red"] };
        var car = Guid.NewGuid();
        var draft = Draft().AddLabel(car, "car").UpdateLabel(car, l => l with { Attributes = [colour, wheels] })
            .UpdateLabel(Vehicle, l => l with { Attributes = [paint] });
        var asked = new List<(Guid Into, IReadOnlyList<AttributeMapping> Mapping)>();
        Task<MergePreview> Preview(Guid into, IReadOnlyList<AttributeMapping> mapping)
        {
            asked.Add((into, mapping));
            return Task.FromResult(new MergePreview(23, 9, [new AttributeMergePreview("colour", 15, "paint", 2), new AttributeMergePreview("wheels", 4, null, 0)]));
        }
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<MergeDialog>
        {
            { d => d.Draft, draft }, { d => d.FromId, car }, { d => d.Preview, Preview },
        };
        var dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<MergeDialog>("Merge", parameters));

        Assert.DoesNotContain(provider.FindAll("[data-testid=merge-target] option"), o => o.TextContent.Trim() == "car");
        provider.Find("[data-testid=merge-target]").Change(Vehicle.ToString());
        // Only attributes of the same kind are offered.
        Assert.Equal(["drop the values", "'paint'"], provider.FindAll("[data-testid=merge-map-colour] option").Select(o => o.TextContent));
        Assert.Equal(["drop the values"], provider.FindAll("[data-testid=merge-map-wheels] option").Select(o => o.TextContent));
        provider.Find("[data-testid=merge-map-colour]").Change(paint.Id.ToString());
        provider.Find("[data-testid=merge-preview]").Click();

        var text = provider.Find("[data-testid=merge-preview-text]").TextContent;
        Assert.Contains("23 regions on 9 images will become 'vehicle'.", text);
        Assert.Contains("'colour': 15 values → 'paint', 2 don't fit and will be flagged.", text);
        Assert.Contains("'wheels': 4 values will be dropped.", text);
        var (into, mapping) = Assert.Single(asked);
        Assert.Equal(Vehicle, into);
        Assert.Equal([new AttributeMapping(colour.Id, paint.Id), new AttributeMapping(wheels.Id, null)], mapping);

        provider.Find("[data-testid=merge-confirm]").Click();
        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        var choice = Assert.IsType<MergeChoice>(result!.Data);
        Assert.Equal(Vehicle, choice.Into);
        Assert.Equal(mapping, choice.Attributes);
        Assert.DoesNotContain(draft.Merge(car, choice.Into, choice.Attributes).Definition.Labels, l => l.Id == car);
    }

    [Fact]
    public async Task TheMergeDialogShowsTheModelsRefusalBeforeConfirming()
    {
        var draft = Draft().UpdateLabel(Vehicle, l => l with { ShapeKinds = [Annotator.Core.Geometry.ShapeKind.Box] })
            .UpdateLabel(Dog, l => l with { ShapeKinds = [Annotator.Core.Geometry.ShapeKind.Box, Annotator.Core.Geometry.ShapeKind.Polygon] });
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<MergeDialog>
        {
            { d => d.Draft, draft }, { d => d.FromId, Dog },
            { d => d.Preview, (_, _) => Task.FromResult(new MergePreview(0, 0, [])) },
        };
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<MergeDialog>("Merge", parameters));

        provider.Find("[data-testid=merge-target]").Change(Vehicle.ToString());

        Assert.Contains("'vehicle' does not allow polygon shapes, which 'dog' has", provider.Find("[data-testid=merge-error]").TextContent);
        Assert.True(provider.Find("[data-testid=merge-confirm]").HasAttribute("disabled"));
    }

    private IRenderedComponent<Host> Panel(LabelDefinition label, int usage, List<string> events)
    {
        var labels = Draft().Definition.Labels;
        return Render<Host>(p => p.AddChildContent(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<LabelPanel>(2);
            b.AddComponentParameter(3, nameof(LabelPanel.Label), label);
            b.AddComponentParameter(4, nameof(LabelPanel.Labels), labels);
            b.AddComponentParameter(5, nameof(LabelPanel.Usage), usage);
            b.AddComponentParameter(6, nameof(LabelPanel.ProjectAttributes), (IReadOnlyList<AttributeDefinition>)[]);
            b.AddComponentParameter(7, nameof(LabelPanel.ProjectId), 1);
            b.AddComponentParameter(8, nameof(LabelPanel.OnDelete), Microsoft.AspNetCore.Components.EventCallback.Factory.Create(this, () => events.Add("delete")));
            b.AddComponentParameter(9, nameof(LabelPanel.OnMerge), Microsoft.AspNetCore.Components.EventCallback.Factory.Create(this, () => events.Add("merge")));
            b.AddComponentParameter(10, nameof(LabelPanel.OnDeprecate),
                Microsoft.AspNetCore.Components.EventCallback.Factory.Create<bool>(this, d => events.Add($"deprecate {d}")));
            b.CloseComponent();
        }));
    }

    [Theory]
    [InlineData("delete-deprecate", "deprecate True")]
    [InlineData("delete-merge", "merge")]
    public void DeletingAUsedLabelExplainsWhyAndOffersMergeOrDeprecate(string choice, string expected)
    {
        var events = new List<string>();
        var panel = Panel(Draft().Label(Cat), 12, events);

        panel.Find("[data-testid=delete-label]").Click();

        panel.WaitForAssertion(() => Assert.Equal("'cat' is used by 12 regions; merge it into another label or deprecate it instead.",
            panel.Find("[data-testid=delete-refused-message]").TextContent));
        Assert.Empty(events);
        panel.Find($"[data-testid={choice}]").Click();
        panel.WaitForAssertion(() => Assert.Equal([expected], events));
        Assert.Empty(panel.FindAll("[data-testid=delete-refused]"));
    }

    [Fact]
    public void DeletingAnUnusedLabelAsksNothing()
    {
        var events = new List<string>();
        var panel = Panel(Draft().Label(Dog), 0, events);

        panel.Find("[data-testid=delete-label]").Click();

        Assert.Equal(["delete"], events);
        Assert.Empty(panel.FindAll("[data-testid=delete-refused]"));
    }

    [Fact]
    public void TickingKeypointsWithoutASkeletonStartsFromTheCocoPerson()
    {
        var changed = new List<LabelDefinition>();
        var panel = Render<LabelPanel>(p => p.Add(c => c.Label, Draft().Label(Dog)).Add(c => c.Labels, Draft().Definition.Labels).Add(c => c.Usage, 0)
            .Add(c => c.ProjectAttributes, []).Add(c => c.ProjectId, 1).Add(c => c.OnChange, l => changed.Add(l)));

        panel.Find("input[data-testid=shape-keypoints]").Change(true);
        panel.Find("input[data-testid=label-color]").Change("#ABCDEF");
        panel.Find("input[data-testid=label-color]").Change("teal");

        // The hex field is a MudTextField: it hands its value on asynchronously.
        panel.WaitForAssertion(() => Assert.Contains("#rrggbb", panel.Markup));
        Assert.Equal(2, changed.Count);
        Assert.Contains(Annotator.Core.Geometry.ShapeKind.Keypoints, changed[0].ShapeKinds);
        Assert.Same(DemoTaxonomy.CocoPerson, changed[0].Skeleton);
        Assert.Equal("#abcdef", changed[1].Color);
        Assert.Contains("#rrggbb", panel.Markup);
    }

    [Fact]
    public void TheProblemListShowsTheModelsOwnSentences()
    {
        var draft = Draft().AddLabel(Guid.NewGuid(), "cat", Animal).UpdateLabel(Dog, l => l with { Hotkey = "b", Color = "red" });
        var problems = draft.Validate();
        Assert.True(problems.Count >= 3);

        var list = Render<ProblemList>(p => p.Add(c => c.Problems, problems));

        Assert.Equal(problems, list.FindAll("[data-testid=validation-problems] li").Select(li => li.TextContent));
        Assert.Contains("Two labels under 'animal' are named 'cat'; names must differ among siblings.", problems);
        Assert.Empty(Render<ProblemList>(p => p.Add(c => c.Problems, [])).Markup.Trim());
    }

    [Fact]
    public void AnAttributeThatLostOptionsOffersAMappingOfItsPublishedValues()
    {
        var published = new AttributeDefinition { Id = Guid.NewGuid(), Name = "size", Kind = AttributeKind.SingleSelect, Options = ["S", "M", "L", "XL"] };
        var now = published with { Options = ["small", "medium", "large"] };
        var changes = new List<ValueMappingChange>();
        var list = Render<AttributeListEditor>(p => p.Add(c => c.Attributes, [now]).Add(c => c.AlsoCarried, []).Add(c => c.Published, [published])
            .Add(c => c.OnMapValues, c => changes.Add(c)));

        Assert.Equal(["S", "M", "L", "XL"], list.FindAll("[data-testid=value-mapping-size] .old-value").Select(td => td.TextContent));
        list.Find("[data-testid=value-row-M] select").Change("\"medium\"");
        list.Find("[data-testid=value-row-XL] select").Change("drop");

        Assert.Equal(published.Id, changes[0].AttributeId);
        Assert.Equal([new ValueMapping("\"M\"", "\"medium\"")], changes[0].Values);
        Assert.Equal([new ValueMapping("\"XL\"", null)], changes[1].Values); // the list was not re-rendered with the first
        var draft = TaxonomyDraft.From(new TaxonomyDefinition { ProjectAttributes = [now] }).MapValues(published.Id, changes[0].Values);
        Assert.Equal("\"medium\"", Assert.IsType<MapAttributeValues>(Assert.Single(draft.Migrations)).Values[0].To);
        Assert.Empty(Render<AttributeListEditor>(p => p.Add(c => c.Attributes, [published with { Options = ["S", "M", "L", "XL", "XXL"] }])
            .Add(c => c.AlsoCarried, []).Add(c => c.Published, [published])).FindAll(".value-mapping"));
    }

    /// <summary>Renders its child content: a component with the providers the layout would give it.</summary>
    public sealed class Host : Microsoft.AspNetCore.Components.ComponentBase
    {
        [Microsoft.AspNetCore.Components.Parameter, Microsoft.AspNetCore.Components.EditorRequired]
        public required Microsoft.AspNetCore.Components.RenderFragment ChildContent { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) =>
            builder.AddContent(0, ChildContent);
    }
}
