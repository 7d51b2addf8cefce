using System.Text;
using System.Text.Json.Nodes;
using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Core.Taxonomy.Interchange;

namespace Annotator.Tests.Core.Taxonomy.Interchange;

public sealed class TaxonomyJsonFile
{
    /// <summary>A hierarchy and a follow-up question, so fresh ids have references to keep straight.</summary>
    private static TaxonomyDefinition WithParents()
    {
        var demo = DemoTaxonomy.Create();
        var vehicle = demo.Labels.Single(l => l.Name == "vehicle");
        var time = demo.Questions[0];
        return demo with
        {
            Labels =
            [
                .. demo.Labels,
                new LabelDefinition { Id = Guid.NewGuid(), Name = "car", ParentId = vehicle.Id, Hotkey = "4" },
            ],
            Questions =
            [
                .. demo.Questions,
                new QuestionDefinition { Id = Guid.NewGuid(), Text = "Lights on?", Options = ["yes", "no"], ParentQuestionId = time.Id, ParentOption = "night" },
            ],
        };
    }

    [Fact]
    public void ExportWrapsTheTaxonomyInTheEnvelope()
    {
        var demo = DemoTaxonomy.Create();
        var file = JsonNode.Parse(TaxonomyJson.Export(demo, "Street scenes"))!.AsObject();

        Assert.Equal(["format", "version", "project", "taxonomy"], file.Select(p => p.Key));
        Assert.Equal("annotator.taxonomy", (string?)file["format"]);
        Assert.Equal(1, (int?)file["version"]);
        Assert.Equal("Street scenes", (string?)file["project"]);
        Assert.Equal(demo.ToJson(), file["taxonomy"]!.ToJsonString());
        Assert.Equal("Box", (string?)file["taxonomy"]!["labels"]![0]!["shapeKinds"]![0]);
    }

    [Fact]
    public void ExportLeavesOutAMissingProjectAndIsIndentedWithShortListsOnOneLine()
    {
        var text = TaxonomyJson.Export(DemoTaxonomy.Create());
        Assert.DoesNotContain("\"project\"", text);
        Assert.Contains("\n  \"taxonomy\": {", text);
        Assert.Contains("\"options\": [\"standing\",\"sitting\",\"lying\",\"other\"]", text);
        Assert.Contains("\"edges\": [[15,13],[13,11],", text);
        Assert.Contains("\"layout\": [[0.5,0.08],[0.54,0.05],", text);
    }

    [Fact]
    public void RoundTripKeepsEverythingIncludingIds()
    {
        var original = WithParents();
        var back = TaxonomyJson.Import(TaxonomyJson.Export(original, "demo"));
        Assert.Equal(original.ToJson(), back.ToJson());
    }

    [Fact]
    public void RoundTripKeepsNamesInAnyScriptReadable()
    {
        var original = new TaxonomyDefinition
        {
            Labels = [new LabelDefinition { Id = Guid.NewGuid(), Name = "Fußgänger <klein> & \"groß\"", Description = "歩行者" }],
        };
        var text = TaxonomyJson.Export(original);
        Assert.Contains("Fußgänger", text);
        Assert.Contains("歩行者", text);
        Assert.Equal(original.ToJson(), TaxonomyJson.Import(text).ToJson());
    }

    [Fact]
    public void ImportsFromAUtf8Stream()
    {
        var original = WithParents();
        using var stream = new MemoryStream(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(TaxonomyJson.Export(original))).ToArray());
        Assert.Equal(original.ToJson(), TaxonomyJson.Import(stream).ToJson());
    }

    [Fact]
    public void FreshIdsRenewEveryIdAndRemapParents()
    {
        var original = WithParents();
        var copy = TaxonomyJson.Import(TaxonomyJson.Export(original), freshIds: true);

        Guid[] Ids(TaxonomyDefinition t) =>
        [
            .. t.Labels.Select(l => l.Id), .. t.Labels.SelectMany(l => l.Attributes).Select(a => a.Id),
            .. t.ProjectAttributes.Select(a => a.Id), .. t.Questions.Select(q => q.Id),
        ];
        Assert.Empty(Ids(original).Intersect(Ids(copy)));
        Assert.Equal(Ids(original).Length, Ids(copy).Distinct().Count());

        var car = copy.Labels.Single(l => l.Name == "car");
        Assert.Equal(copy.Labels.Single(l => l.Name == "vehicle").Id, car.ParentId);
        var lights = copy.Questions.Single(q => q.Text == "Lights on?");
        Assert.Equal(copy.Questions.Single(q => q.Text == "Time of day").Id, lights.ParentQuestionId);
        Assert.Equal("night", lights.ParentOption);
        Assert.Empty(copy.Validate());

        // Apart from the ids the copy is the same taxonomy.
        Assert.Equal(Normalised(original), Normalised(copy));
    }

    private static string Normalised(TaxonomyDefinition taxonomy)
    {
        var json = taxonomy.ToJson();
        var ids = new Dictionary<string, string>();
        return System.Text.RegularExpressions.Regex.Replace(json, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            m => ids.TryGetValue(m.Value, out var n) ? n : ids[m.Value] = $"id{ids.Count}");
    }

    [Theory]
    [InlineData("[]", "The taxonomy file must be a JSON object with \"format\": \"annotator.taxonomy\".")]
    [InlineData("{\"taxonomy\":{}}", "This is not an Annotator taxonomy file: it has no \"format\": \"annotator.taxonomy\".")]
    [InlineData("{\"format\":\"label-studio\",\"version\":1,\"taxonomy\":{}}", "This is not an Annotator taxonomy file: its format is 'label-studio', not 'annotator.taxonomy'.")]
    [InlineData("{\"format\":\"annotator.taxonomy\",\"version\":2,\"taxonomy\":{}}", "The taxonomy file is version 2, written by a newer Annotator; this one reads version 1.")]
    [InlineData("{\"format\":\"annotator.taxonomy\",\"version\":\"1\",\"taxonomy\":{}}", "The taxonomy file has no valid \"version\" (this build reads version 1).")]
    [InlineData("{\"format\":\"annotator.taxonomy\",\"version\":1}", "The taxonomy file has no \"taxonomy\" object.")]
    [InlineData("{\"format\":\"annotator.taxonomy\",\"version\":1,\"taxonomy\":{}", "The taxonomy file is not valid JSON: ")]
    [InlineData("{\"format\":\"annotator.taxonomy\",\"format\":\"annotator.taxonomy\",\"version\":1,\"taxonomy\":{}}", "The taxonomy file is not valid JSON: ")]
    public void RefusesWhatIsNotOurFormat(string json, string message)
    {
        var refusal = Assert.Throws<DomainException>(() => TaxonomyJson.Import(json));
        Assert.StartsWith(message, refusal.Message);
    }

    private static string Wrap(string taxonomy) =>
        $"{{\"format\":\"annotator.taxonomy\",\"version\":1,\"taxonomy\":{taxonomy}}}";

    [Theory]
    [InlineData("{\"labels\":[{\"name\":\"car\"}]}", "The taxonomy file cannot be read at taxonomy.labels[0]")]
    [InlineData("{\"labels\":[{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"name\":null}]}", "The taxonomy file cannot be read at taxonomy.labels[0].name")]
    [InlineData("{\"labels\":[{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"name\":\"car\",\"shapeKinds\":[99]}]}", "The taxonomy file cannot be read at taxonomy.labels[0].shapeKinds[0]")]
    [InlineData("{\"labels\":[null]}", "The taxonomy in the file is not valid: Label 1 is null.")]
    [InlineData("{\"questions\":[{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"text\":\"q\",\"options\":[\"a\",null]}]}", "The taxonomy in the file is not valid: Question 'q' has a null option.")]
    public void RefusesMalformedTaxonomiesNamingWhere(string taxonomy, string message)
    {
        var refusal = Assert.Throws<DomainException>(() => TaxonomyJson.Import(Wrap(taxonomy)));
        Assert.StartsWith(message, refusal.Message);
    }

    [Fact]
    public void RefusesInvalidTaxonomiesListingEveryProblem()
    {
        var id = Guid.NewGuid();
        var bad = new TaxonomyDefinition
        {
            Labels =
            [
                new LabelDefinition { Id = id, Name = "car", Hotkey = "c" },
                new LabelDefinition { Id = Guid.NewGuid(), Name = "Car", Hotkey = "C" },
                new LabelDefinition { Id = Guid.NewGuid(), Name = "pose", ShapeKinds = [ShapeKind.Keypoints] },
            ],
            Questions =
            [
                new QuestionDefinition { Id = id, Text = "Lights?", Options = ["on"], ParentQuestionId = Guid.NewGuid() },
            ],
        };
        var refusal = Assert.Throws<DomainException>(() => TaxonomyJson.Import(TaxonomyJson.Export(bad)));
        Assert.StartsWith("The taxonomy in the file is not valid: ", refusal.Message);
        Assert.Contains("Two labels at the top level are named 'car'; names must differ among siblings.", refusal.Message);
        Assert.Contains("Hotkey 'C' is used by 'car' and 'Car'.", refusal.Message);
        Assert.Contains("Label 'pose' allows keypoints but has no skeleton.", refusal.Message);
        Assert.Contains("Question 'Lights?' follows a question that does not exist.", refusal.Message);
    }

    [Fact]
    public void RefusesQuestionLoops()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var loop = new TaxonomyDefinition
        {
            Questions =
            [
                new QuestionDefinition { Id = a, Text = "A", Options = ["x"], ParentQuestionId = b, ParentOption = "y" },
                new QuestionDefinition { Id = b, Text = "B", Options = ["y"], ParentQuestionId = a, ParentOption = "x" },
            ],
        };
        var refusal = Assert.Throws<DomainException>(() => TaxonomyJson.Import(TaxonomyJson.Export(loop)));
        Assert.Contains("go round in a loop", refusal.Message);
    }

    [Fact]
    public void RefusesFilesNestedTooDeep()
    {
        var deep = Wrap("{\"labels\":" + new string('[', 70) + new string(']', 70) + "}");
        var refusal = Assert.Throws<DomainException>(() => TaxonomyJson.Import(deep));
        Assert.Equal("The taxonomy file is nested deeper than 64 levels.", refusal.Message);
    }

    [Fact]
    public void RefusesFilesLargerThan8Megabytes()
    {
        var huge = Wrap($"{{\"labels\":[],\"padding\":\"{new string('x', InterchangeLimits.MaxTaxonomyJsonCharacters)}\"}}");
        Assert.Equal("The taxonomy file is larger than 8 MB.", Assert.Throws<DomainException>(() => TaxonomyJson.Import(huge)).Message);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(huge));
        Assert.Equal("The taxonomy file is larger than 8 MB.", Assert.Throws<DomainException>(() => TaxonomyJson.Import(stream)).Message);
    }
}
