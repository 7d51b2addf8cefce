using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Annotations;

public sealed class OperationValidatorValidate
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TaxonomyDefinition _taxonomy;
    private readonly OperationValidator _validator;
    private readonly LabelDefinition _person;
    private readonly LabelDefinition _animal;
    private readonly LabelDefinition _vehicle;
    private readonly LabelDefinition _retired;
    private readonly LabelDefinition _hand;
    private readonly Guid _occluded;
    private readonly Guid _pose;
    private readonly Guid _vehicleKind;
    private readonly Guid _count;
    private readonly Guid _note;
    private readonly Guid _tags;

    public OperationValidatorValidate()
    {
        var demo = DemoTaxonomy.Create();
        _person = demo.Labels[0];
        _animal = demo.Labels[1];
        _note = Guid.NewGuid();
        _tags = Guid.NewGuid();
        _vehicle = demo.Labels[2] with
        {
            Attributes =
            [
                .. demo.Labels[2].Attributes,
                new AttributeDefinition { Id = _note, Name = "note", Kind = AttributeKind.Text, MaxLength = 5 },
                new AttributeDefinition { Id = _tags, Name = "tags", Kind = AttributeKind.MultiSelect, Options = ["a", "b"] },
            ],
        };
        _retired = new LabelDefinition { Id = Guid.NewGuid(), Name = "retired", Deprecated = true };
        _hand = new LabelDefinition
        {
            Id = Guid.NewGuid(), Name = "hand", ShapeKinds = [ShapeKind.Keypoints],
            Skeleton = new SkeletonDefinition { Points = ["wrist", "thumb"] },
        };
        _taxonomy = demo with { Labels = [_person, _animal, _vehicle, _retired, _hand] };
        _validator = new OperationValidator(_taxonomy, 800, 600);
        _occluded = demo.ProjectAttributes[0].Id;
        _pose = _person.Attributes[0].Id;
        _vehicleKind = _vehicle.Attributes[0].Id;
        _count = _vehicle.Attributes[1].Id;
    }

    private static RegionData Data(Guid labelId, ShapeKind kind = ShapeKind.Box, string? geometry = null,
        string attributes = "{}", bool locked = false) =>
        new(Guid.NewGuid(), labelId, kind, geometry ?? """{"x":10,"y":10,"w":100,"h":50}""", attributes, 0, false, locked);

    private static Region Existing(RegionData data) => new(data, 1, 1, "u", Now);

    private static CreateRegionOp Create(RegionData data) => new(Guid.NewGuid(), data);

    private string Refusal(EditOperation op, Region? target = null) =>
        Assert.Throws<DomainException>(() => _validator.Validate(op, target)).Message;

    [Fact]
    public void AcceptsACreateAndReturnsCanonicalJson()
    {
        var data = Data(_person.Id, geometry: """{ "h":50, "w":100.0, "x":10, "y":10 }""",
            attributes: $$"""{ "{{_pose.ToString().ToUpperInvariant()}}": "sitting", "{{_occluded}}": true }""");

        var region = Assert.IsType<CreateRegionOp>(_validator.Validate(Create(data), null)).Region;

        Assert.Equal("""{"x":10,"y":10,"w":100,"h":50}""", region.Geometry);
        Assert.Equal($$"""{"{{_pose}}":"sitting","{{_occluded}}":true}""", region.Attributes);
    }

    [Fact]
    public void RefusesACreateOfAnExistingRegion()
    {
        var data = Data(_person.Id);
        Assert.Equal("A region with this id already exists.", Refusal(Create(data), Existing(data)));
    }

    [Fact]
    public void RestoresADeletedRegionEvenUnderADeprecatedLabel()
    {
        var data = Data(_retired.Id);
        var region = Existing(data);
        region.Delete(Now);

        _validator.Validate(Create(data), region);
        Assert.Equal("Label 'retired' is deprecated; new regions need another label.", Refusal(Create(Data(_retired.Id))));
        Assert.Equal("A region's shape kind never changes; this one is a box.",
            Refusal(Create(data with { Kind = ShapeKind.Point, Geometry = """{"x":1,"y":1}""" }), region));
    }

    [Fact]
    public void RefusesUnknownLabelsAndKindsTheLabelDoesNotAllow()
    {
        Assert.Equal("This label is not in the project's taxonomy.", Refusal(Create(Data(Guid.NewGuid()))));
        Assert.Equal(
            "Label 'animal' does not allow keypoints shapes; it allows: box, rotated box, polygon, polyline, point, ellipse, mask.",
            Refusal(Create(Data(_animal.Id, ShapeKind.Keypoints, """{"points":[1,1,2]}"""))));
    }

    [Fact]
    public void ChecksGeometryAgainstTheImageAndTheSkeleton()
    {
        Assert.Equal("The box reaches x = 812.5, outside the image (0–800).",
            Refusal(Create(Data(_person.Id, geometry: """{"x":712.5,"y":0,"w":100,"h":10}"""))));
        Assert.Equal("The keypoints need 6 numbers (2 points × x, y, v); these have 3.",
            Refusal(Create(Data(_hand.Id, ShapeKind.Keypoints, """{"points":[1,1,2]}"""))));
        Assert.Equal("The geometry is not valid JSON.", Refusal(Create(Data(_person.Id, geometry: "{"))));
    }

    [Theory]
    [InlineData("pose", "\"flying\"", "Attribute 'pose' must be one of: standing, sitting, lying, other.")]
    [InlineData("pose", "3", "Attribute 'pose' must be one of: standing, sitting, lying, other.")]
    [InlineData("occluded", "\"yes\"", "Attribute 'occluded' must be true or false.")]
    public void RefusesAttributeValuesOfTheWrongKind(string attribute, string value, string message)
    {
        var id = attribute == "pose" ? _pose : _occluded;
        Assert.Equal(message, Refusal(Create(Data(_person.Id, attributes: $$"""{"{{id}}":{{value}}}"""))));
    }

    [Theory]
    [InlineData("count", "101", "Attribute 'count' must be between 1 and 100; it is 101.")]
    [InlineData("count", "0.5", "Attribute 'count' must be between 1 and 100; it is 0.5.")]
    [InlineData("count", "\"5\"", "Attribute 'count' must be a finite number.")]
    [InlineData("count", "1e999", "Attribute 'count' must be a finite number.")]
    [InlineData("note", "\"too long\"", "Attribute 'note' may be at most 5 characters long.")]
    [InlineData("note", "5", "Attribute 'note' must be text.")]
    [InlineData("tags", "\"a\"", "Attribute 'tags' must be a list of options among: a, b.")]
    [InlineData("tags", "[\"a\",\"c\"]", "'c' is not an option of attribute 'tags'; choose among: a, b.")]
    [InlineData("tags", "[\"a\",\"a\"]", "Attribute 'tags' lists 'a' twice.")]
    public void RefusesVehicleAttributeValuesOutsideTheirRules(string attribute, string value, string message)
    {
        var id = attribute switch { "count" => _count, "note" => _note, _ => _tags };
        Assert.Equal(message, Refusal(Create(Data(_vehicle.Id, attributes: $$"""{"{{id}}":{{value}}}"""))));
    }

    [Fact]
    public void RefusesUnknownAttributeIdsAndRepeats()
    {
        Assert.Equal($"'{_vehicleKind}' is not an attribute of label 'person'.",
            Refusal(Create(Data(_person.Id, attributes: $$"""{"{{_vehicleKind}}":"car"}"""))));
        Assert.Equal("'size' is not an attribute of label 'person'.",
            Refusal(Create(Data(_person.Id, attributes: """{"size":1}"""))));
        Assert.Equal("Attribute 'occluded' is given twice.",
            Refusal(Create(Data(_person.Id, attributes: $$"""{"{{_occluded}}":true,"{{_occluded.ToString().ToUpperInvariant()}}":false}"""))));
        Assert.Equal("The attributes must be a JSON object keyed by attribute id.",
            Refusal(Create(Data(_person.Id, attributes: "[]"))));
    }

    [Fact]
    public void AllowsMissingRequiredAttributesAndDropsNulls()
    {
        var required = new AttributeDefinition { Id = Guid.NewGuid(), Name = "side", Kind = AttributeKind.Text, Required = true };
        var validator = new OperationValidator(_taxonomy with { ProjectAttributes = [required] }, 800, 600);

        var region = ((CreateRegionOp)validator.Validate(Create(Data(_person.Id, attributes: $$"""{"{{_pose}}":null}""")), null)).Region;

        Assert.Equal("{}", region.Attributes);
        Assert.Equal([required], AttributeValues.MissingRequired(region.Attributes, [required]));
    }

    [Fact]
    public void AcceptsAnUpdateAtTheCurrentRevision()
    {
        var region = Existing(Data(_person.Id));
        region.Apply(new RegionChanges(ZOrder: 1), 1, Now);
        var update = new UpdateRegionOp(Guid.NewGuid(), region.Id, 2,
            new RegionChanges(Geometry: """{"x":1.0,"y":2,"w":3,"h":4}""", Attributes: $$"""{"{{_occluded}}":false}"""));

        var checkedUpdate = Assert.IsType<UpdateRegionOp>(_validator.Validate(update, region));

        Assert.Equal("""{"x":1,"y":2,"w":3,"h":4}""", checkedUpdate.Set.Geometry);
        Assert.Equal($$"""{"{{_occluded}}":false}""", checkedUpdate.Set.Attributes);
    }

    [Fact]
    public void MergesAStaleUpdateWhoseFieldsNobodyChangedSince()
    {
        var region = Existing(Data(_person.Id));
        region.Apply(new RegionChanges(ZOrder: 1), 1, Now);
        region.Apply(new RegionChanges(LabelId: _vehicle.Id), 1, Now);

        var move = new UpdateRegionOp(Guid.NewGuid(), region.Id, 1, new RegionChanges(Geometry: """{"x":5,"y":6,"w":7,"h":8}"""));
        var hide = new UpdateRegionOp(Guid.NewGuid(), region.Id, 2, new RegionChanges(Hidden: true));

        Assert.IsType<UpdateRegionOp>(_validator.Validate(move, region));
        Assert.IsType<UpdateRegionOp>(_validator.Validate(hide, region));
    }

    [Fact]
    public void RefusesAStaleUpdateOfFieldsSomeoneElseChanged()
    {
        var region = Existing(Data(_person.Id));
        region.Apply(new RegionChanges(ZOrder: 1), 1, Now);
        region.Apply(new RegionChanges(Geometry: """{"x":1,"y":1,"w":2,"h":2}"""), 1, Now);

        var reorder = new UpdateRegionOp(Guid.NewGuid(), region.Id, 1, new RegionChanges(ZOrder: 4));
        Assert.Equal("Someone else changed this region's drawing order while you were editing it (revision 3, you edited 1); "
            + "your change was not applied.", Refusal(reorder, region));
        var moveAndRelabel = new UpdateRegionOp(Guid.NewGuid(), region.Id, 2,
            new RegionChanges(Geometry: """{"x":5,"y":6,"w":7,"h":8}""", LabelId: _vehicle.Id));
        Assert.Equal("Someone else changed this region's shape while you were editing it (revision 3, you edited 2); "
            + "your change was not applied.", Refusal(moveAndRelabel, region));
        // An attribute edit collides with a label change (a label brings its own attributes).
        region.Apply(new RegionChanges(LabelId: _vehicle.Id), 1, Now);
        var attributes = new UpdateRegionOp(Guid.NewGuid(), region.Id, 3, new RegionChanges(Attributes: $$"""{"{{_occluded}}":true}"""));
        Assert.StartsWith("Someone else changed this region's label and attributes", Refusal(attributes, region));
        Assert.Equal(EditConflict.Changed, Assert.Throws<DomainException>(() => _validator.Validate(attributes, region)).Conflict);
    }

    [Fact]
    public void RefusesARevisionTheRegionNeverHad()
    {
        var region = Existing(Data(_person.Id));
        Assert.Equal("This region is at revision 1; the update was made on revision 5, which it never had.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), region.Id, 5, new RegionChanges(Hidden: true)), region));
        Assert.Equal("This region is at revision 1; the update was made on revision 0, which it never had.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), region.Id, 0, new RegionChanges(Hidden: true)), region));
    }

    [Fact]
    public void RefusesUpdatesOfMissingDeletedAndLockedRegions()
    {
        var data = Data(_person.Id, locked: true);
        var locked = Existing(data);
        Assert.Equal("This region does not exist.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), data.Id, 1, new RegionChanges(Hidden: true))));
        Assert.Equal("This region is locked; unlock it before changing it.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), data.Id, 1, new RegionChanges(ZOrder: 2)), locked));
        _validator.Validate(new UpdateRegionOp(Guid.NewGuid(), data.Id, 1, new RegionChanges(Hidden: true, Locked: false)), locked);

        var deleted = Existing(Data(_person.Id));
        deleted.Delete(Now);
        Assert.Equal("This region was deleted.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), deleted.Id, 2, new RegionChanges(Hidden: true)), deleted));
    }

    [Fact]
    public void ALabelChangeMustAllowTheKindAndKeepsOnlyAttributesThatStillApply()
    {
        var region = Existing(Data(_person.Id, attributes: $$"""{"{{_pose}}":"sitting","{{_occluded}}":true}"""));

        var update = (UpdateRegionOp)_validator.Validate(
            new UpdateRegionOp(Guid.NewGuid(), region.Id, 1, new RegionChanges(LabelId: _vehicle.Id)), region);
        Assert.Equal($$"""{"{{_occluded}}":true}""", update.Set.Attributes);

        Assert.Equal("This label is not in the project's taxonomy.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), region.Id, 1, new RegionChanges(LabelId: Guid.NewGuid())), region));
        Assert.Equal($"'{_pose}' is not an attribute of label 'vehicle'.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), region.Id, 1,
                new RegionChanges(LabelId: _vehicle.Id, Attributes: $$"""{"{{_pose}}":"sitting"}""")), region));
    }

    [Fact]
    public void ALabelChangeOfKeypointsNeedsASkeletonOfTheSameSize()
    {
        var region = Existing(Data(_hand.Id, ShapeKind.Keypoints, """{"points":[1,1,2,0,0,0]}"""));
        Assert.Equal("Label 'person' has a skeleton of 17 points; this region has 2.",
            Refusal(new UpdateRegionOp(Guid.NewGuid(), region.Id, 1, new RegionChanges(LabelId: _person.Id)), region));
    }

    [Fact]
    public void ChecksDeletes()
    {
        var region = Existing(Data(_person.Id));
        _validator.Validate(new DeleteRegionOp(Guid.NewGuid(), region.Id, 1), region);
        Assert.Equal("This region was changed by someone else (revision 1, you edited 4).",
            Refusal(new DeleteRegionOp(Guid.NewGuid(), region.Id, 4), region));
        Assert.Equal("This region is locked; unlock it before deleting it.",
            Refusal(new DeleteRegionOp(Guid.NewGuid(), region.Id, 1), Existing(Data(_person.Id, locked: true) with { Id = region.Id })));
        region.Delete(Now);
        Assert.Equal("This region was deleted.", Refusal(new DeleteRegionOp(Guid.NewGuid(), region.Id, 2), region));
    }

    [Theory]
    [InlineData(0, "\"day\"", "\"day\"")]
    [InlineData(0, "null", "null")]
    [InlineData(1, "[ \"rain\", \"fog\" ]", "[\"rain\",\"fog\"]")]
    [InlineData(1, "[]", "[]")]
    public void AcceptsAnswersThatFitTheQuestion(int question, string value, string stored)
    {
        var answer = new AnswerOp(Guid.NewGuid(), _taxonomy.Questions[question].Id, value);
        Assert.Equal(stored, Assert.IsType<AnswerOp>(_validator.Validate(answer, null)).ValueJson);
    }

    [Theory]
    [InlineData(0, "\"noon\"", "'noon' is not an option of 'Time of day'; choose among: day, night, dusk/dawn, indoor.")]
    [InlineData(0, "[\"day\"]", "'Time of day' takes one option or none.")]
    [InlineData(1, "\"rain\"", "'Weather' takes a list of options or none.")]
    [InlineData(1, "[\"rain\",\"rain\"]", "'rain' is chosen twice for 'Weather'.")]
    [InlineData(1, "[\"rain\",7]", "'7' is not an option of 'Weather'; choose among: clear, cloudy, rain, snow, fog.")]
    [InlineData(1, "[\"rain\"", "The answer is not valid JSON.")]
    public void RefusesAnswersThatDoNotFit(int question, string value, string message)
    {
        Assert.Equal(message, Refusal(new AnswerOp(Guid.NewGuid(), _taxonomy.Questions[question].Id, value)));
    }

    [Fact]
    public void RefusesAnswersToUnknownQuestions()
    {
        Assert.Equal("This question is not in the project's taxonomy.", Refusal(new AnswerOp(Guid.NewGuid(), Guid.NewGuid(), "null")));
    }

    [Fact]
    public void ANewRegionStartsWithTheAttributeDefaultsAndARestoredOneKeepsItsValues()
    {
        var taxonomy = _taxonomy with
        {
            ProjectAttributes = [_taxonomy.ProjectAttributes[0] with { Default = "true" }],
            Labels = [.. _taxonomy.Labels.Select(l => l.Id == _person.Id ? l with { Attributes = [l.Attributes[0] with { Default = "\"standing\"" }] } : l)],
        };
        var validator = new OperationValidator(taxonomy, 800, 600);

        var created = (CreateRegionOp)validator.Validate(new CreateRegionOp(Guid.NewGuid(), Data(_person.Id)), null);
        Assert.Equal($$"""{"{{_pose}}":"standing","{{_occluded}}":true}""", created.Region.Attributes);
        var chosen = (CreateRegionOp)validator.Validate(new CreateRegionOp(Guid.NewGuid(), Data(_person.Id, attributes: $$"""{"{{_pose}}":"sitting"}""")), null);
        Assert.Equal($$"""{"{{_pose}}":"sitting","{{_occluded}}":true}""", chosen.Region.Attributes);

        var data = Data(_person.Id);
        var region = Existing(data);
        region.Delete(Now);
        var restored = (CreateRegionOp)validator.Validate(new CreateRegionOp(Guid.NewGuid(), data), region);
        Assert.Equal("{}", restored.Region.Attributes);
    }
}
