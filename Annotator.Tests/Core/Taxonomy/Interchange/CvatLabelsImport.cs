using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Core.Taxonomy.Interchange;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Core.Taxonomy.Interchange;

public sealed class CvatLabelsImport
{
    private static readonly Lazy<TaxonomyImport> Street =
        new(() => CvatLabels.Import(File.ReadAllText(Fixtures.PathOf("taxonomy/cvat-labels.json"))));

    private static LabelDefinition Label(string name) => Street.Value.Taxonomy.Labels.Single(l => l.Name == name);

    private static AttributeDefinition Attribute(string label, string name) => Label(label).Attributes.Single(a => a.Name == name);

    [Fact]
    public void MapsEveryTypeToShapeKinds()
    {
        var taxonomy = Street.Value.Taxonomy;
        Assert.Empty(taxonomy.Validate());
        Assert.Equal(
            ["car", "road", "lane", "pole", "wheel", "water", "thing", "Car (2)", "box3d", "person", "face"],
            taxonomy.Labels.Select(l => l.Name));
        Assert.Equal([ShapeKind.Box, ShapeKind.RotatedBox], Label("car").ShapeKinds);
        Assert.Equal([ShapeKind.Polygon], Label("road").ShapeKinds);
        Assert.Equal([ShapeKind.Polyline], Label("lane").ShapeKinds);
        Assert.Equal([ShapeKind.Point], Label("pole").ShapeKinds);
        Assert.Equal([ShapeKind.Ellipse], Label("wheel").ShapeKinds);
        Assert.Equal([ShapeKind.Mask], Label("water").ShapeKinds);
        Assert.Equal(
            [ShapeKind.Box, ShapeKind.RotatedBox, ShapeKind.Polygon, ShapeKind.Polyline, ShapeKind.Point, ShapeKind.Ellipse, ShapeKind.Mask],
            Label("thing").ShapeKinds);
        Assert.Equal([ShapeKind.Keypoints], Label("person").ShapeKinds);
        Assert.Equal([ShapeKind.Box], Label("box3d").ShapeKinds);
        Assert.Contains("Label 'box3d' is a cuboid label; Annotator has no cuboids, so it allows boxes.", Street.Value.Notes);
        Assert.Contains("Two labels are named 'Car'; the second is now 'Car (2)'.", Street.Value.Notes);
    }

    [Fact]
    public void KeepsColoursAndFillsMissingOnesFromThePalette()
    {
        Assert.Equal("#33ddff", Label("car").Color);
        Assert.Equal("#b83df5", Label("lane").Color);
        Assert.Equal(["#e6194b", "#3cb44b", "#ffe119"], new[] { "pole", "wheel", "face" }.Select(n => Label(n).Color));
        Assert.Contains("3 labels have no colour; they got colours from the palette.", Street.Value.Notes);
        Assert.All(Street.Value.Taxonomy.Labels, l => Assert.Null(l.Hotkey));
    }

    [Fact]
    public void MapsEveryAttributeInputType()
    {
        Assert.Equal(["model", "parked", "speed", "plate", "paint"], Label("car").Attributes.Select(a => a.Name));

        var model = Attribute("car", "model");
        Assert.Equal((AttributeKind.SingleSelect, "\"sedan\""), (model.Kind, model.Default));
        Assert.Equal(["sedan", "suv", "van"], model.Options);

        var parked = Attribute("car", "parked");
        Assert.Equal((AttributeKind.Checkbox, "true"), (parked.Kind, parked.Default));

        var speed = Attribute("car", "speed");
        Assert.Equal((AttributeKind.Number, 0.0, 250.0, "30"), (speed.Kind, speed.Min!.Value, speed.Max!.Value, speed.Default));

        var plate = Attribute("car", "plate");
        Assert.Equal((AttributeKind.Text, null), (plate.Kind, plate.Default));

        var paint = Attribute("car", "paint");
        Assert.Equal((AttributeKind.SingleSelect, "\"red\""), (paint.Kind, paint.Default));
        Assert.Equal(["red", "blue", "other"], paint.Options);

        Assert.Empty(Street.Value.Taxonomy.ProjectAttributes);
    }

    [Fact]
    public void TagLabelsBecomeOneImageLevelQuestion()
    {
        var tags = Assert.Single(Street.Value.Taxonomy.Questions);
        Assert.Equal(("Tags", true), (tags.Text, tags.Multiple));
        Assert.Equal(["night", "blurry"], tags.Options);
        Assert.DoesNotContain(Street.Value.Taxonomy.Labels, l => l.Name is "night" or "blurry");
        Assert.Contains("Tag labels mark whole images: they are the options of the image-level question 'Tags' (night, blurry).", Street.Value.Notes);
        Assert.Contains("Tag 'blurry' has attributes; image-level questions have none, so they are dropped.", Street.Value.Notes);
    }

    [Fact]
    public void ACocoPersonSkeletonComesBackAsTheCocoTemplate()
    {
        var person = Label("person");
        var skeleton = person.Skeleton!;
        var coco = DemoTaxonomy.CocoPerson;
        Assert.Equal(coco.Points, skeleton.Points);
        Assert.Equal(coco.Edges.Select(e => (e[0], e[1])), skeleton.Edges.Select(e => (e[0], e[1])));
        Assert.Equal(coco.FlipPairs.Select(e => (e[0], e[1])), skeleton.FlipPairs.Select(e => (e[0], e[1])));
        Assert.Equal(coco.Sigmas, skeleton.Sigmas);
        Assert.Equal(coco.Layout!.Count, skeleton.Layout!.Count);
        for (var i = 0; i < coco.Layout.Count; i++)
        {
            Assert.Equal(coco.Layout[i][0], skeleton.Layout[i][0], 9);
            Assert.Equal(coco.Layout[i][1], skeleton.Layout[i][1], 9);
        }
        Assert.Equal("#ff355e", person.Color);
        Assert.Equal(["standing", "sitting", "lying"], Assert.Single(person.Attributes).Options);
        Assert.Contains("The skeleton of 'person': every point is a COCO person keypoint and has COCO's sigma.", Street.Value.Notes);
        Assert.Contains("The skeleton of 'person': 8 left/right flip pair(s) were inferred from the point names.", Street.Value.Notes);
    }

    [Fact]
    public void ASkeletonIsOrderedByNodeWithEdgesLayoutSigmasAndFlipPairsFromItsDrawingAndNames()
    {
        var skeleton = Label("face").Skeleton!;
        // Sublabels come chin first; the drawing's node ids put it last. The nose circle has only a label id.
        Assert.Equal(["left eye", "right eye", "nose tip", "l_mouth", "r_mouth", "chin"], skeleton.Points);
        Assert.Equal([(0, 1), (0, 2), (1, 2), (2, 3), (2, 4), (3, 5), (4, 5)], skeleton.Edges.Select(e => (e[0], e[1])));
        Assert.Equal([(0, 1), (3, 4)], skeleton.FlipPairs.Select(e => (e[0], e[1])));
        Assert.Equal([0.025, 0.025, 0.05, 0.05, 0.05, 0.05], skeleton.Sigmas);
        Assert.Equal(
            [(0.35, 0.30), (0.65, 0.30), (0.50, 0.50), (0.38, 0.70), (0.62, 0.70), (0.50, 1.0)],
            skeleton.Layout!.Select(p => (Math.Round(p[0], 9), Math.Round(p[1], 9))));

        var notes = Street.Value.Notes;
        Assert.Contains("The skeleton of 'face': 1 edge(s) join nodes that are not its points; they are dropped.", notes);
        Assert.Contains("The skeleton drawing of 'face' places points outside its 0..100 frame; they are moved to the edge.", notes);
        Assert.Contains("The skeleton of 'face': 2 points have COCO's person sigmas; 'nose tip', 'l_mouth', 'r_mouth', 'chin' got 0.05.", notes);
        Assert.Contains("The skeleton of 'face': 2 left/right flip pair(s) were inferred from the point names.", notes);
        Assert.Contains("Point 'r_mouth' of the skeleton of 'face' has attributes; points have none in Annotator, so they are dropped.", notes);
    }

    [Theory]
    [InlineData(new[] { "left_eye", "right_eye", "l_hand", "r_hand", "left ear", "right ear", "knee_left", "knee_right", "leftFoot", "rightFoot" }, 5)]
    [InlineData(new[] { "l_eye", "right_eye", "leg", "rear", "left", "right" }, 0)]
    public void InfersFlipPairsOnlyBetweenSameSpellings(string[] points, int pairs)
    {
        var sublabels = string.Join(",", points.Select(p => $"{{\"name\":\"{p}\",\"type\":\"points\"}}"));
        var result = CvatLabels.Import($"[{{\"name\":\"s\",\"type\":\"skeleton\",\"sublabels\":[{sublabels}]}}]");
        var skeleton = Assert.Single(result.Taxonomy.Labels).Skeleton!;
        Assert.Equal(pairs, skeleton.FlipPairs.Count);
        Assert.All(skeleton.FlipPairs, p => Assert.Equal(p[0] + 1, p[1]));
        Assert.Null(skeleton.Layout);
        Assert.Contains("The skeleton of 's' has no drawing (svg); its points have no edges and no layout.", result.Notes);
    }

    [Fact]
    public void AcceptsTheLabelsObjectOfCvatsApi()
    {
        var result = CvatLabels.Import("{\"count\":1,\"labels\":[{\"name\":\"car\",\"type\":\"polygon\"}]}");
        Assert.Equal([ShapeKind.Polygon], Assert.Single(result.Taxonomy.Labels).ShapeKinds);
    }

    [Fact]
    public void DropsDefaultsThatAreNotValuesAndUnknownInputTypes()
    {
        var result = CvatLabels.Import("""
            [{"name":"car","type":"rectangle","attributes":[
              {"name":"speed","input_type":"number","default_value":"300","values":["0","250","1"]},
              {"name":"when","input_type":"date","values":[]}]}]
            """);
        var speed = Assert.Single(Assert.Single(result.Taxonomy.Labels).Attributes);
        Assert.Null(speed.Default);
        Assert.Contains("Attribute 'speed' of label 'car': the default 300 is dropped (Attribute 'speed' must be between 0 and 250; it is 300).", result.Notes);
        Assert.Contains("Attribute 'when' of label 'car' has the input type 'date', which Annotator does not know; it is skipped.", result.Notes);
    }

    [Theory]
    [InlineData("[]", "The CVAT labels file lists no labels.")]
    [InlineData("[1]", "Label 1 is not a JSON object.")]
    [InlineData("[{\"name\":\"a\"},{\"name\":\"b\"},{\"color\":\"#ffffff\"}]", "Label 3 has no name.")]
    [InlineData("[{\"name\":\"  \"}]", "Label 1 has no name.")]
    [InlineData("[{\"name\":\"car\",\"attributes\":{}}]", "Label 'car' must list its attributes in an array.")]
    [InlineData("[{\"name\":\"car\",\"attributes\":[{\"input_type\":\"text\"}]}]", "Attribute 1 of label 'car' has no name.")]
    [InlineData("[{\"name\":\"car\",\"attributes\":[{\"name\":\"m\",\"input_type\":\"select\",\"values\":\"a\"}]}]", "Attribute 'm' of label 'car' must list its values in an array.")]
    [InlineData("[{\"name\":\"pose\",\"type\":\"skeleton\"}]", "Label 'pose' is a skeleton without points (its sublabels are missing).")]
    [InlineData("[{\"name\":\"pose\",\"type\":\"skeleton\",\"sublabels\":[{\"type\":\"points\"}]}]", "Point 1 of the skeleton of 'pose' has no name.")]
    public void RefusesLabelsOfTheWrongShapeNamingTheProblem(string json, string message)
    {
        Assert.Equal(message, Assert.Throws<DomainException>(() => CvatLabels.Import(json)).Message);
    }
}
