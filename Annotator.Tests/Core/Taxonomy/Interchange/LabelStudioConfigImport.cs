using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Core.Taxonomy.Interchange;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Core.Taxonomy.Interchange;

public sealed class LabelStudioConfigImport
{
    private static readonly Lazy<TaxonomyImport> Street =
        new(() => LabelStudioConfig.Import(File.ReadAllText(Fixtures.PathOf("taxonomy/label-studio-street.xml"))));

    private static LabelDefinition Label(string name) => Street.Value.Taxonomy.Labels.Single(l => l.Name == name);

    private static TaxonomyImport Import(string body) =>
        LabelStudioConfig.Import($"<View><Image name=\"image\" value=\"$image\"/>{body}</View>");

    [Fact]
    public void ReadsEveryRegionLabelTagInOrderAndMergesRepeatedLabels()
    {
        var taxonomy = Street.Value.Taxonomy;
        Assert.Empty(taxonomy.Validate());
        Assert.Equal(
            ["Car", "Truck", "Pedestrian", "Cyclist", "Traffic sign & light", "Road", "Sidewalk", "Head", "Sky", "Wheel", "Other"],
            taxonomy.Labels.Select(l => l.Name));
        Assert.Equal([ShapeKind.Box, ShapeKind.RotatedBox, ShapeKind.Polygon], Label("Car").ShapeKinds);
        Assert.Equal([ShapeKind.Box, ShapeKind.RotatedBox], Label("Truck").ShapeKinds);
        Assert.Equal([ShapeKind.Polygon], Label("Road").ShapeKinds);
        Assert.Equal([ShapeKind.Point], Label("Head").ShapeKinds);
        Assert.Equal([ShapeKind.Mask], Label("Sky").ShapeKinds);
        Assert.Equal([ShapeKind.Ellipse], Label("Wheel").ShapeKinds);
        // A generic <Labels> draws with the tools on its image: here Rectangle and Polygon.
        Assert.Equal([ShapeKind.Box, ShapeKind.RotatedBox, ShapeKind.Polygon], Label("Other").ShapeKinds);
        Assert.All(taxonomy.Labels, l => Assert.Null(l.ParentId));
        Assert.Equal(taxonomy.Labels.Count, taxonomy.Labels.Select(l => l.Id).Distinct().Count());
        Assert.Contains("Label 'Car' appears again in 'poly'; it is one label that also allows polygon.", Street.Value.Notes);
    }

    [Fact]
    public void ReadsColoursAsHexOrCssNamesAndFillsTheRestFromThePalette()
    {
        Assert.Equal("#ff0000", Label("Car").Color);
        Assert.Equal("#ffa500", Label("Truck").Color);
        Assert.Equal("#00aa00", Label("Pedestrian").Color);
        Assert.Equal("#0000ff", Label("Cyclist").Color);
        Assert.Equal("#555555", Label("Road").Color);
        Assert.Equal("#800080", Label("Head").Color);
        Assert.Equal("#87ceeb", Label("Sky").Color);
        Assert.Equal("#123456", Label("Wheel").Color);
        Assert.Equal(["#e6194b", "#3cb44b", "#ffe119"], new[] { "Traffic sign & light", "Sidewalk", "Other" }.Select(n => Label(n).Color));
        Assert.Contains("Label 'Traffic sign & light': the colour 'not-a-colour' is not understood; a palette colour is used instead.", Street.Value.Notes);
        Assert.Contains("3 labels have no colour; they got colours from the palette.", Street.Value.Notes);
    }

    [Fact]
    public void KeepsSingleKeyHotkeysAndDropsTheRestWithANote()
    {
        Assert.Equal("c", Label("Car").Hotkey);
        Assert.Equal("1", Label("Truck").Hotkey);
        Assert.Equal("2", Label("Head").Hotkey);
        Assert.Null(Label("Pedestrian").Hotkey);
        Assert.Null(Label("Cyclist").Hotkey);
        Assert.Null(Label("Sidewalk").Hotkey);
        var notes = Street.Value.Notes;
        Assert.Contains("Label 'Pedestrian': the hotkey 'b' is dropped (the workspace keeps it for its own shortcuts).", notes);
        Assert.Contains("Label 'Cyclist': the hotkey 'ctrl+2' is dropped (a hotkey must be a single letter or digit).", notes);
        Assert.Contains("Label 'Sidewalk': the hotkey '1' is dropped (label 'Truck' already uses it).", notes);
        Assert.Contains("Label 'Car': the hotkey 'q' in 'poly' is dropped; it keeps 'c'.", notes);
    }

    [Fact]
    public void ReadsHintsAsDescriptionsAndNotesDroppedAliases()
    {
        Assert.Equal("Any passenger car, including vans.", Label("Car").Description);
        Assert.Equal("", Label("Truck").Description);
        Assert.Contains("Label 'Traffic sign & light': the alias 'sign' is dropped; results name the label 'Traffic sign & light'.", Street.Value.Notes);
    }

    [Fact]
    public void ImageChoicesBecomeQuestionsAndNestedOrConditionalChoicesFollowUpQuestions()
    {
        var questions = Street.Value.Taxonomy.Questions;
        Assert.Equal(["What is the weather?", "scene", "scene / Urban", "lighting"], questions.Select(q => q.Text));

        var weather = questions[0];
        Assert.True(weather.Multiple);
        Assert.Equal(["Sunny", "Rain", "Snow"], weather.Options);
        Assert.Null(weather.ParentQuestionId);

        var scene = questions[1];
        Assert.False(scene.Multiple);
        Assert.Equal(["Urban", "Rural"], scene.Options);

        var urban = questions[2];
        Assert.Equal(["Downtown", "Suburb"], urban.Options);
        Assert.Equal((scene.Id, "Urban"), (urban.ParentQuestionId!.Value, urban.ParentOption));

        var lighting = questions[3];
        Assert.Equal(["Street lights on", "Street lights off"], lighting.Options);
        Assert.Equal((scene.Id, "Urban"), (lighting.ParentQuestionId!.Value, lighting.ParentOption));

        Assert.Contains("Hotkeys of choices are not kept: image-level questions are answered by clicking.", Street.Value.Notes);
    }

    [Fact]
    public void PerRegionControlsBecomeAttributesOfTheProjectOrOfTheLabelTheyAreShownFor()
    {
        var taxonomy = Street.Value.Taxonomy;
        Assert.Equal(["occlusion", "confidence", "note"], taxonomy.ProjectAttributes.Select(a => a.Name));

        var occlusion = taxonomy.ProjectAttributes[0];
        Assert.Equal(AttributeKind.SingleSelect, occlusion.Kind);
        Assert.True(occlusion.Required);
        Assert.Equal(["None", "Partial", "Heavy"], occlusion.Options);
        Assert.Equal("\"None\"", occlusion.Default);

        var confidence = taxonomy.ProjectAttributes[1];
        Assert.Equal((AttributeKind.Number, 0.0, 100.0, "50"), (confidence.Kind, confidence.Min!.Value, confidence.Max!.Value, confidence.Default));

        var note = taxonomy.ProjectAttributes[2];
        Assert.Equal(AttributeKind.Text, note.Kind);
        Assert.Contains("Attribute 'note': Annotator keeps one text per region; maxSubmissions is ignored.", Street.Value.Notes);

        // whenLabelValue="Car": the attribute belongs to Car; its nested choice is flattened.
        var carType = Assert.Single(Label("Car").Attributes);
        Assert.Equal("car_type", carType.Name);
        Assert.Equal(AttributeKind.MultiSelect, carType.Kind);
        Assert.Equal(["Sedan", "SUV", "SUV / Compact SUV"], carType.Options);
        Assert.Contains("Per-region choices 'car_type' are nested; the attribute lists them flat as 'parent / child'.", Street.Value.Notes);
    }

    [Fact]
    public void SkipsWhatHasNoCounterpartWithANote()
    {
        var notes = Street.Value.Notes;
        Assert.DoesNotContain(Street.Value.Taxonomy.Labels, l => l.Name == "Place");
        Assert.Contains(notes, n => n.StartsWith("<Labels> 'ner' (line ", StringComparison.Ordinal) && n.EndsWith("labels a <Text>, not an image; it is skipped.", StringComparison.Ordinal));
        Assert.Contains("<TextArea> 'comment' applies to the whole image; image-level questions in Annotator are choices only, so it is skipped.", notes);
    }

    [Fact]
    public void GenericLabelsWithoutToolsAllowBoxesAndPolygons()
    {
        var result = Import("<Labels name=\"l\" toName=\"image\"><Label value=\"Thing\"/></Labels>");
        Assert.Equal([ShapeKind.Box, ShapeKind.Polygon], Assert.Single(result.Taxonomy.Labels).ShapeKinds);
        Assert.Contains("<Labels> 'l' has no drawing tool (Rectangle, Polygon…) on its image; its labels allow boxes and polygons.", result.Notes);
    }

    [Fact]
    public void ReadsLabelStudioAttributeNamesInAnyCase()
    {
        var result = LabelStudioConfig.Import(
            "<view><image name=\"img\" value=\"$image\"/><rectanglelabels name=\"l\" toname=\"img\"><label value=\"Car\" Background=\"red\"/></rectanglelabels></view>");
        var car = Assert.Single(result.Taxonomy.Labels);
        Assert.Equal(("Car", "#ff0000"), (car.Name, car.Color));
    }

    [Fact]
    public void AConditionOnAnAnswerThatIsNotOfferedIsNotedAndTheQuestionIsAlwaysAsked()
    {
        var result = Import(
            "<Choices name=\"a\" toName=\"image\"><Choice value=\"x\"/></Choices>" +
            "<Choices name=\"b\" toName=\"image\" visibleWhen=\"choice-selected\" whenTagName=\"a\" whenChoiceValue=\"y\"><Choice value=\"z\"/></Choices>");
        Assert.All(result.Taxonomy.Questions, q => Assert.Null(q.ParentQuestionId));
        Assert.Contains("Question 'b' follows the answer 'y' of 'a', which it does not offer; it is always asked.", result.Notes);
    }

    [Fact]
    public void ChoicesShownOnlyAfterEachOtherAreNotALoop()
    {
        var result = Import(
            "<Choices name=\"a\" toName=\"image\" whenTagName=\"b\" whenChoiceValue=\"y\"><Choice value=\"x\"/></Choices>" +
            "<Choices name=\"b\" toName=\"image\" whenTagName=\"a\" whenChoiceValue=\"x\"><Choice value=\"y\"/></Choices>");
        Assert.Empty(result.Taxonomy.Validate());
        Assert.Single(result.Taxonomy.Questions, q => q.ParentQuestionId is null);
        Assert.Contains(result.Notes, n => n.Contains("are each shown only after the other", StringComparison.Ordinal));
    }

    [Fact]
    public void RatingsBecomeQuestionsOrNumberAttributes()
    {
        var result = Import(
            "<Rating name=\"quality\" toName=\"image\" maxRating=\"3\"/><Rating name=\"sharpness\" toName=\"image\" perRegion=\"true\"/>");
        Assert.Equal(["1", "2", "3"], Assert.Single(result.Taxonomy.Questions).Options);
        var sharpness = Assert.Single(result.Taxonomy.ProjectAttributes);
        Assert.Equal((AttributeKind.Number, 1.0, 5.0), (sharpness.Kind, sharpness.Min!.Value, sharpness.Max!.Value));
    }

    [Fact]
    public void RepeatedOptionsAreKeptOnce()
    {
        var result = Import("<Choices name=\"c\" toName=\"image\"><Choice value=\"a\"/><Choice value=\"a\"/></Choices>");
        Assert.Equal(["a"], Assert.Single(result.Taxonomy.Questions).Options);
        Assert.Contains("Question 'c' lists the option 'a' twice; it is kept once.", result.Notes);
    }

    [Fact]
    public void RefusesConfigsWithNothingForAnImage()
    {
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import("<View><Header value=\"Hi\"/></View>"));
        Assert.Equal("The labeling config defines no labels, choices or per-region attributes for an image.", refusal.Message);
    }

    [Fact]
    public void RefusesMoreThan5000Labels()
    {
        var labels = string.Concat(Enumerable.Range(0, 5_001).Select(i => $"<Label value=\"l{i}\"/>"));
        var refusal = Assert.Throws<DomainException>(() => Import($"<RectangleLabels name=\"l\" toName=\"image\">{labels}</RectangleLabels>"));
        Assert.Equal("The labeling config has more than 5,000 labels.", refusal.Message);
    }

    [Fact]
    public void RefusesMoreThan1000OptionsPerQuestion()
    {
        var choices = string.Concat(Enumerable.Range(0, 1_001).Select(i => $"<Choice value=\"c{i}\"/>"));
        var refusal = Assert.Throws<DomainException>(() => Import($"<Choices name=\"c\" toName=\"image\">{choices}</Choices>"));
        Assert.Equal("Question 'c' has more than 1,000 options.", refusal.Message);
    }
}
