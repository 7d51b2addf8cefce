using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Taxonomy;

public sealed class TaxonomyDraftEditing
{
    private static readonly Guid Vehicle = Guid.NewGuid();
    private static readonly Guid Car = Guid.NewGuid();
    private static readonly Guid Truck = Guid.NewGuid();
    private static readonly Guid Person = Guid.NewGuid();
    private static readonly Guid Paint = Guid.NewGuid();
    private static readonly Guid Colour = Guid.NewGuid();
    private static readonly Guid Doors = Guid.NewGuid();

    private static TaxonomyDraft Draft() => TaxonomyDraft.From(new TaxonomyDefinition
    {
        Labels =
        [
            new LabelDefinition { Id = Vehicle, Name = "vehicle", Hotkey = "1", Color = "#4363d8" },
            new LabelDefinition
            {
                Id = Car, Name = "car", ParentId = Vehicle, Hotkey = "2",
                Attributes =
                [
                    new AttributeDefinition { Id = Paint, Name = "paint", Kind = AttributeKind.SingleSelect, Options = ["red", "blue"] },
                    new AttributeDefinition { Id = Doors, Name = "doors", Kind = AttributeKind.Number, Min = 1, Max = 6 },
                ],
            },
            new LabelDefinition
            {
                Id = Truck, Name = "truck", ParentId = Vehicle,
                Attributes = [new AttributeDefinition { Id = Colour, Name = "colour", Kind = AttributeKind.SingleSelect, Options = ["red", "green"] }],
            },
            new LabelDefinition { Id = Person, Name = "person", Hotkey = "3" },
        ],
    });

    [Fact]
    public void RenameRecolourAndHotkeyKeepTheId()
    {
        var draft = Draft().UpdateLabel(Car, l => l with { Name = "automobile", Color = "#00ff00", Hotkey = "9" });
        var car = draft.Label(Car);
        Assert.Equal(("automobile", "#00ff00", "9"), (car.Name, car.Color, car.Hotkey));
        Assert.Equal(Vehicle, car.ParentId);
        Assert.Empty(draft.Validate());
        var changes = TaxonomyDiff.Between(Draft().Definition, draft.Definition);
        Assert.Contains(changes, c => c.Text == "Renamed 'car' to 'automobile'.");
        Assert.Contains(changes, c => c.Kind == TaxonomyChangeKind.LabelRecoloured && c.LabelId == Car);
        Assert.Contains(changes, c => c.Text == "'automobile' now has hotkey 9.");
    }

    [Fact]
    public void MovingUnderADescendantIsRefusedAsACycle()
    {
        var error = Assert.Throws<DomainException>(() => Draft().MoveLabel(Vehicle, Car, 0));
        Assert.Equal("'vehicle' cannot go under 'car', which is inside it: that would make a cycle.", error.Message);
        Assert.Throws<DomainException>(() => Draft().MoveLabel(Vehicle, Vehicle, 0));
    }

    [Fact]
    public void MoveReparentsAndReordersAmongSiblings()
    {
        var draft = Draft().MoveLabel(Person, Vehicle, 0);
        Assert.Equal([Person, Car, Truck], draft.Children(Vehicle).Select(l => l.Id));
        draft = draft.MoveLabel(Car, null, 0);
        Assert.Equal([Car, Vehicle], draft.Children(null).Select(l => l.Id));
        draft = draft.MoveLabel(Car, null, 99);
        Assert.Equal([Vehicle, Car], draft.Children(null).Select(l => l.Id));
        var changes = TaxonomyDiff.Between(Draft().Definition, draft.Definition);
        Assert.Contains(changes, c => c.Text == "Moved 'person' under 'vehicle'.");
        Assert.Contains(changes, c => c.Text == "Moved 'car' to the top level.");
    }

    [Fact]
    public void ValidationCatchesCyclesWrittenDirectly()
    {
        var definition = Draft().Definition;
        var cyclic = definition with
        {
            Labels = [.. definition.Labels.Select(l => l.Id == Vehicle ? l with { ParentId = Car } : l)],
        };
        Assert.Contains(cyclic.Validate(), p => p == "Label 'vehicle' would be its own ancestor.");
    }

    [Fact]
    public void HotkeysMustBeOneFreeLetterOrDigit()
    {
        Assert.Contains(Draft().UpdateLabel(Person, l => l with { Hotkey = "2" }).Validate(), p => p == "Hotkey '2' is used by 'car' and 'person'.");
        Assert.Contains(Draft().UpdateLabel(Person, l => l with { Hotkey = "b" }).Validate(),
            p => p == "Hotkey 'b' of 'person' is taken by the box tool in the workspace.");
        Assert.Contains(Draft().UpdateLabel(Person, l => l with { Hotkey = "F1" }).Validate(), p => p.Contains("one letter or digit"));
        Assert.Contains(Draft().UpdateLabel(Person, l => l with { Color = "red; background:url(x)" }).Validate(), p => p.Contains("#rrggbb"));
    }

    [Fact]
    public void SiblingNamesMustDifferButCousinsMayShare()
    {
        Assert.NotEmpty(Draft().AddLabel(Guid.NewGuid(), "Truck", Vehicle).Validate());
        Assert.Empty(Draft().AddLabel(Guid.NewGuid(), "truck", Person).Validate());
    }

    [Fact]
    public void DeprecateFlagsExistingRegionsAndHidesTheLabelFromNewDrawing()
    {
        var draft = Draft().Deprecate(Truck);
        Assert.True(draft.Label(Truck).Deprecated);
        Assert.Equal(["'truck' is deprecated."], RegionFlags.Of(draft.Definition, Truck, "{}"));
        Assert.Contains(TaxonomyDiff.Between(Draft().Definition, draft.Definition), c => c.Kind == TaxonomyChangeKind.LabelDeprecated);
        Assert.Empty(RegionFlags.Of(draft.Deprecate(Truck, false).Definition, Truck, "{}"));
    }

    [Fact]
    public void RemovingIsOnlyForUnusedLabels()
    {
        var used = Assert.Throws<DomainException>(() => Draft().RemoveLabel(Person, regionCount: 4));
        Assert.Equal("'person' is used by 4 regions; merge it into another label or deprecate it instead.", used.Message);
        var parent = Assert.Throws<DomainException>(() => Draft().RemoveLabel(Vehicle, 0));
        Assert.Contains("has sublabels", parent.Message);
        var removed = Draft().RemoveLabel(Person, 0);
        Assert.DoesNotContain(removed.Definition.Labels, l => l.Id == Person);
        Assert.Contains(TaxonomyDiff.Between(Draft().Definition, removed.Definition), c => c.Text == "Removed 'person'.");
    }

    [Fact]
    public void MergeRemapsRegionsAndMapsOrDropsAttributeValues()
    {
        var before = Draft();
        var draft = before.Merge(Truck, Car, [new AttributeMapping(Colour, Paint)]);
        Assert.DoesNotContain(draft.Definition.Labels, l => l.Id == Truck);
        Assert.Equal(new MergeLabels(Truck, Car, [new AttributeMapping(Colour, Paint)]).From, Assert.IsType<MergeLabels>(Assert.Single(draft.Migrations)).From);
        var migrator = new TaxonomyMigrator(before.Definition, draft.Definition, draft.Migrations);
        Assert.Contains(Truck, migrator.AffectedLabels);
        Assert.DoesNotContain(Person, migrator.AffectedLabels);

        var red = migrator.Migrate(Truck, $$"""{"{{Colour}}":"red"}""")!;
        Assert.Equal(Car, red.LabelId);
        Assert.Equal($$"""{"{{Paint}}":"red"}""", red.Attributes);
        // "green" is not an option of paint: kept, and the region is flagged.
        var green = migrator.Migrate(Truck, $$"""{"{{Colour}}":"green"}""")!;
        Assert.Equal($$"""{"{{Paint}}":"green"}""", green.Attributes);
        Assert.Contains(RegionFlags.Of(draft.Definition, green.LabelId, green.Attributes), f => f.Contains("paint"));
        Assert.Null(migrator.Migrate(Person, "{}"));

        var dropped = before.Merge(Truck, Car, [new AttributeMapping(Colour, null)]);
        var plain = new TaxonomyMigrator(before.Definition, dropped.Definition, dropped.Migrations).Migrate(Truck, $$"""{"{{Colour}}":"red"}""")!;
        Assert.Equal((Car, "{}"), (plain.LabelId, plain.Attributes));
        Assert.Contains(TaxonomyDiff.Between(before.Definition, draft.Definition, draft.Migrations),
            c => c.Text == "Merged 'truck' into 'car': its regions now have 'car'.");
        Assert.DoesNotContain(TaxonomyDiff.Between(before.Definition, draft.Definition, draft.Migrations), c => c.Kind == TaxonomyChangeKind.LabelRemoved);
    }

    [Fact]
    public void MergeRefusesAttributesOfAnotherKindAndMissingShapes()
    {
        var error = Assert.Throws<DomainException>(() => Draft().Merge(Car, Truck, [new AttributeMapping(Doors, Colour)]));
        Assert.Equal("'doors' (number) cannot go into 'colour' (single select); map it to an attribute of the same kind or drop it.", error.Message);
        var narrow = Draft().UpdateLabel(Person, l => l with { ShapeKinds = [ShapeKind.Box] });
        var shapes = Assert.Throws<DomainException>(() => narrow.Merge(Car, Person, []));
        Assert.Contains("does not allow polygon shapes", shapes.Message);
        Assert.Throws<DomainException>(() => Draft().Merge(Car, Car, []));
    }

    [Fact]
    public void MergingAParentMovesItsChildrenUnderTheTarget()
    {
        var draft = Draft().Merge(Vehicle, Person, []);
        Assert.Equal(Person, draft.Label(Car).ParentId);
        Assert.Equal(Person, draft.Label(Truck).ParentId);
        Assert.Empty(draft.Validate());
        // Merging a parent into its own child: the children go up to the parent's parent.
        var inward = Draft().Merge(Vehicle, Car, []);
        Assert.Null(inward.Label(Car).ParentId);
        Assert.Null(inward.Label(Truck).ParentId);
        Assert.Empty(inward.Validate());
    }

    [Fact]
    public void SplitDeprecatesTheLabelAndQueuesItsRegionsForRelabeling()
    {
        var sedan = Guid.NewGuid();
        var suv = Guid.NewGuid();
        var draft = Draft().Split(Car, [(sedan, "sedan"), (suv, "suv")]);
        Assert.Empty(draft.Validate());
        var car = draft.Label(Car);
        Assert.True(car.Deprecated);
        Assert.Equal([sedan, suv], car.SplitInto);
        Assert.Null(car.Hotkey);
        // The parts inherit the attributes (with the same ids, so values survive relabeling).
        Assert.Equal([Paint, Doors], draft.Label(sedan).Attributes.Select(a => a.Id));
        Assert.True(RegionFlags.NeedsRelabel(draft.Definition, Car));
        Assert.Equal(["'car' was split: relabel it as 'sedan' or 'suv'."], RegionFlags.Of(draft.Definition, Car, "{}"));
        // A split changes no region by itself.
        Assert.False(new TaxonomyMigrator(Draft().Definition, draft.Definition, draft.Migrations).ChangesAnnotations);
        Assert.Throws<DomainException>(() => draft.Deprecate(Car, false));
        Assert.Throws<DomainException>(() => Draft().Split(Car, [(sedan, "sedan")]));
        // New labels get colours no label had.
        var colors = Draft().Definition.Labels.Select(l => l.Color).ToHashSet();
        Assert.DoesNotContain(draft.Label(sedan).Color, colors);
        Assert.DoesNotContain(draft.Label(suv).Color, colors);
        Assert.NotEqual(draft.Label(sedan).Color, draft.Label(suv).Color);
        var changes = TaxonomyDiff.Between(Draft().Definition, draft.Definition, draft.Migrations);
        Assert.Contains(changes, c => c.Text == "Split 'car' into 'sedan' and 'suv': its regions wait to be relabeled.");
        Assert.DoesNotContain(changes, c => c.Kind is TaxonomyChangeKind.LabelAdded or TaxonomyChangeKind.LabelDeprecated);
    }

    [Fact]
    public void AttributeTypeChangeMigratesMappedValuesAndFlagsTheRest()
    {
        var before = Draft();
        // doors: number → single select with explicit mapping; unmapped numbers stay and are flagged.
        var draft = before.UpdateLabel(Car, l => l with
        {
            Attributes = [l.Attributes[0], l.Attributes[1] with { Kind = AttributeKind.SingleSelect, Options = ["few", "many"], Min = null, Max = null }],
        }).MapValues(Doors, [new ValueMapping("2", "\"few\""), new ValueMapping("5", "\"many\""), new ValueMapping("6", null)]);
        Assert.Empty(draft.Validate());
        var migrator = new TaxonomyMigrator(before.Definition, draft.Definition, draft.Migrations);
        Assert.Equal($$"""{"{{Doors}}":"few"}""", migrator.Migrate(Car, $$"""{"{{Doors}}":2}""")!.Attributes);
        Assert.Equal($$"""{"{{Doors}}":"many"}""", migrator.Migrate(Car, $$"""{"{{Doors}}":5.0}""")!.Attributes);
        Assert.Equal("{}", migrator.Migrate(Car, $$"""{"{{Doors}}":6}""")!.Attributes);
        Assert.Null(migrator.Migrate(Car, $$"""{"{{Doors}}":3}"""));
        Assert.Contains(RegionFlags.Of(draft.Definition, Car, $$"""{"{{Doors}}":3}"""), f => f.StartsWith("Attribute 'doors' must be one of", StringComparison.Ordinal));
        Assert.Contains(TaxonomyDiff.Between(before.Definition, draft.Definition, draft.Migrations), c => c.Kind == TaxonomyChangeKind.AttributeValuesMapped);
    }

    [Fact]
    public void RemovedAttributesLoseTheirValuesOnPublish()
    {
        var before = Draft();
        var draft = before.UpdateLabel(Car, l => l with { Attributes = [l.Attributes[0]] });
        var migrator = new TaxonomyMigrator(before.Definition, draft.Definition, draft.Migrations);
        Assert.Equal($$"""{"{{Paint}}":"red"}""", migrator.Migrate(Car, $$"""{"{{Paint}}":"red","{{Doors}}":4}""")!.Attributes);
        Assert.Null(migrator.Migrate(Car, $$"""{"{{Paint}}":"red"}"""));
        Assert.Contains(TaxonomyDiff.Between(before.Definition, draft.Definition), c => c.Text == "Removed attribute 'doors' from 'car'.");
    }

    [Fact]
    public void MultiSelectOptionRenamesMapEachChosenOption()
    {
        var tags = Guid.NewGuid();
        var before = TaxonomyDraft.From(new TaxonomyDefinition
        {
            Labels = [new LabelDefinition { Id = Car, Name = "car" }],
            ProjectAttributes = [new AttributeDefinition { Id = tags, Name = "tags", Kind = AttributeKind.MultiSelect, Options = ["dirty", "dented", "old"] }],
        });
        var draft = before with
        {
            Definition = before.Definition with
            {
                ProjectAttributes = [before.Definition.ProjectAttributes[0] with { Options = ["dirty", "damaged"] }],
            },
        };
        draft = draft.MapValues(tags, [new ValueMapping("\"dented\"", "\"damaged\""), new ValueMapping("\"old\"", null)]);
        var migrator = new TaxonomyMigrator(before.Definition, draft.Definition, draft.Migrations);
        Assert.Equal($$"""{"{{tags}}":["dirty","damaged"]}""", migrator.Migrate(Car, $$"""{"{{tags}}":["dirty","dented","old"]}""")!.Attributes);
    }

    [Fact]
    public void AttributeAndQuestionDefinitionsAreChecked()
    {
        var bad = new TaxonomyDefinition
        {
            Labels = [new LabelDefinition { Id = Car, Name = "car" }],
            ProjectAttributes =
            [
                new AttributeDefinition { Id = Guid.NewGuid(), Name = "size", Kind = AttributeKind.SingleSelect },
                new AttributeDefinition { Id = Guid.NewGuid(), Name = "n", Kind = AttributeKind.Number, Min = 5, Max = 1 },
                new AttributeDefinition { Id = Guid.NewGuid(), Name = "t", Kind = AttributeKind.Checkbox, Default = "\"yes\"" },
            ],
            Questions =
            [
                new QuestionDefinition { Id = Person, Text = "Weather", Options = ["sun", "rain"] },
                new QuestionDefinition { Id = Truck, Text = "Rain kind", Options = ["drizzle"], ParentQuestionId = Person, ParentOption = "snow" },
                new QuestionDefinition { Id = Vehicle, Text = "Orphan", Options = ["a"], ParentQuestionId = Guid.NewGuid() },
            ],
        };
        var problems = bad.Validate();
        Assert.Contains("Attribute 'size' of the project needs at least one option.", problems);
        Assert.Contains("Attribute 'n' of the project has a minimum above its maximum.", problems);
        Assert.Contains(problems, p => p.StartsWith("The default of attribute 't' of the project does not fit", StringComparison.Ordinal));
        Assert.Contains("Question 'Rain kind' follows the answer 'snow', which 'Weather' does not offer.", problems);
        Assert.Contains("Question 'Orphan' follows a question that does not exist.", problems);
    }

    [Fact]
    public void DraftsSurviveTheirJsonForm()
    {
        var draft = Draft().Merge(Truck, Car, [new AttributeMapping(Colour, Paint)]).MapValues(Doors, [new ValueMapping("2", null)]);
        var json = TaxonomyDraft.MigrationsToJson(draft.Migrations);
        Assert.Contains("\"type\":\"merge\"", json);
        var back = TaxonomyDraft.MigrationsFromJson(json);
        var merge = Assert.IsType<MergeLabels>(back[0]);
        Assert.Equal((Truck, Car, Colour, (Guid?)Paint), (merge.From, merge.Into, merge.Attributes[0].From, merge.Attributes[0].Into));
        Assert.Equal("2", Assert.IsType<MapAttributeValues>(back[1]).Values[0].From);
        Assert.Empty(TaxonomyDraft.MigrationsFromJson(""));
    }

    [Fact]
    public void ASkeletonChangeRearrangesKeypointsByPointName()
    {
        var hand = Guid.NewGuid();
        var before = TaxonomyDraft.From(new TaxonomyDefinition
        {
            Labels =
            [
                new LabelDefinition
                {
                    Id = hand, Name = "hand", ShapeKinds = [ShapeKind.Keypoints],
                    Skeleton = new SkeletonDefinition { Points = ["wrist", "thumb", "index"], Edges = [[0, 1], [0, 2]] },
                },
            ],
        });
        // "thumb" goes, "pinky" comes, "index" moves first.
        var draft = before.UpdateLabel(hand, l => l with
        {
            Skeleton = new SkeletonDefinition { Points = ["index", "wrist", "pinky"], Edges = [[1, 0], [1, 2]] },
        });
        var migrator = new TaxonomyMigrator(before.Definition, draft.Definition, draft.Migrations);
        Assert.Contains(hand, migrator.AffectedLabels);
        var moved = migrator.Migrate(hand, "{}", """{"points":[10,20,2,30,40,1,50,60,2]}""")!;
        Assert.Equal("""{"points":[50,60,2,10,20,2,0,0,0]}""", moved.Geometry);
        Assert.Equal(hand, moved.LabelId);
        // Without a skeleton change keypoints stay as they are.
        Assert.Null(new TaxonomyMigrator(before.Definition, before.Definition, []).Migrate(hand, "{}", """{"points":[1,1,2,2,2,2,3,3,2]}"""));
        // Merging keypoint labels needs the same points, so none is lost.
        var withOther = draft.AddLabel(Guid.NewGuid(), "paw");
        var paw = withOther.Definition.Labels.Single(l => l.Name == "paw").Id;
        withOther = withOther.UpdateLabel(paw, l => l with
        {
            ShapeKinds = [ShapeKind.Keypoints], Skeleton = new SkeletonDefinition { Points = ["wrist", "claw"] },
        });
        var refused = Assert.Throws<DomainException>(() => withOther.Merge(hand, paw, []));
        Assert.Equal("'hand' and 'paw' have different keypoint skeletons; give them the same points first, so no keypoint is lost.", refused.Message);
    }
}
