using Annotator.Core.Taxonomy;
using Annotator.Core.Taxonomy.Interchange;

namespace Annotator.Tests.Core.Taxonomy.Interchange;

/// <summary>
/// A draft's pending merges, splits and value mappings over an imported taxonomy: kept where the file still has what
/// they need, dropped with a note where it does not.
/// </summary>
public sealed class PendingMigrationsOverAnImport
{
    private static readonly Guid Vehicle = Guid.NewGuid();
    private static readonly Guid Person = Guid.NewGuid();
    private static readonly Guid Car = Guid.NewGuid();
    private static readonly Guid Truck = Guid.NewGuid();
    private static readonly Guid Pose = Guid.NewGuid();
    private static readonly Guid Kind = Guid.NewGuid();
    private static readonly Guid Size = Guid.NewGuid();

    private static readonly Dictionary<Guid, string> Names = new()
    {
        [Vehicle] = "vehicle", [Person] = "person", [Car] = "car", [Truck] = "truck",
    };

    private static string NameOf(Guid id) => Names.GetValueOrDefault(id, "?");

    private static LabelDefinition Label(Guid id, params AttributeDefinition[] attributes) =>
        new() { Id = id, Name = Names[id], Attributes = attributes };

    private static AttributeDefinition Select(Guid id, string name) =>
        new() { Id = id, Name = name, Kind = AttributeKind.SingleSelect, Options = ["a", "b"] };

    private static TaxonomyDefinition File(params LabelDefinition[] labels) => new() { Labels = labels };

    [Fact]
    public void AMergeStaysWhileTheFileLacksTheMergedLabelAndHasTheTarget()
    {
        TaxonomyMigration[] pending = [new MergeLabels(Vehicle, Person, [new AttributeMapping(Kind, Pose), new AttributeMapping(Size, null)])];

        var (taxonomy, kept, notes) = TaxonomyAdoption.CarryOver(pending, File(Label(Person, Select(Pose, "pose"))), NameOf);

        Assert.Equal(pending, kept);
        Assert.Equal(["The pending merge of 'vehicle' into 'person' is kept."], notes);
        Assert.Equal([Person], taxonomy.Labels.Select(l => l.Id));
    }

    [Fact]
    public void AMergeWhoseTargetAttributeIsGoneDropsThoseValuesAndSaysSo()
    {
        TaxonomyMigration[] pending = [new MergeLabels(Vehicle, Person, [new AttributeMapping(Kind, Pose)])];

        var (_, kept, notes) = TaxonomyAdoption.CarryOver(pending, File(Label(Person)), NameOf);

        var merge = Assert.IsType<MergeLabels>(Assert.Single(kept));
        Assert.Equal([new AttributeMapping(Kind, null)], merge.Attributes);
        Assert.Equal(["The pending merge of 'vehicle' into 'person' is kept; the values of 1 of its attributes are dropped instead (the file lacks the attributes they went to)."],
            notes);
    }

    [Fact]
    public void AMergeGoesWhenTheFileHasTheMergedLabelOrLacksTheTarget()
    {
        TaxonomyMigration[] pending = [new MergeLabels(Vehicle, Person, [])];

        var again = TaxonomyAdoption.CarryOver(pending, File(Label(Person), Label(Vehicle)), NameOf);
        var noTarget = TaxonomyAdoption.CarryOver(pending, File(Label(Car)), NameOf);

        Assert.Empty(again.Migrations);
        Assert.Equal(["The pending merge of 'vehicle' into 'person' is dropped: the file has 'vehicle'."], again.Notes);
        Assert.Empty(noTarget.Migrations);
        Assert.Equal(["The pending merge of 'vehicle' into 'person' is dropped: the file has no 'person'."], noTarget.Notes);
    }

    [Fact]
    public void ASplitStaysWithItsPartsAndMarksTheLabelSplitAgain()
    {
        TaxonomyMigration[] pending = [new SplitLabel(Vehicle, [Car, Truck])];

        var (taxonomy, kept, notes) = TaxonomyAdoption.CarryOver(pending,
            File(Label(Vehicle) with { Hotkey = "3" }, Label(Car), Label(Truck)), NameOf);

        Assert.Equal(pending, kept);
        var vehicle = taxonomy.Labels[0];
        Assert.Equal((Vehicle, true, null), (vehicle.Id, vehicle.Deprecated, vehicle.Hotkey));
        Assert.Equal([Car, Truck], vehicle.SplitInto);
        Assert.Equal([Vehicle, Car, Truck], taxonomy.Labels.Select(l => l.Id));
        Assert.Equal(["The pending split of 'vehicle' is kept: it stays deprecated, its regions go to the relabeling queue."], notes);
        Assert.Empty(new TaxonomyDraft(taxonomy, kept).Validate());

        var partGone = TaxonomyAdoption.CarryOver(pending, File(Label(Vehicle), Label(Car)), NameOf);
        Assert.Empty(partGone.Migrations);
        Assert.False(partGone.Taxonomy.Labels[0].Deprecated);
        Assert.Equal(["The pending split of 'vehicle' is dropped: the file lacks it or one of its parts."], partGone.Notes);
    }

    [Fact]
    public void AValueMappingStaysWhileTheFileHasItsAttribute()
    {
        var map = new MapAttributeValues(Pose, [new ValueMapping("\"a\"", "\"b\"")]);

        var kept = TaxonomyAdoption.CarryOver([map], File(Label(Person, Select(Pose, "pose"))), NameOf);
        var gone = TaxonomyAdoption.CarryOver([map], File(Label(Person)), NameOf);

        Assert.Equal([map], kept.Migrations);
        Assert.Empty(kept.Notes);
        Assert.Empty(gone.Migrations);
        Assert.Equal(["A pending value mapping is dropped: the file does not have its attribute."], gone.Notes);
    }
}
