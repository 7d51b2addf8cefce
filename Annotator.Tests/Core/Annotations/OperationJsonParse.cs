using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;

namespace Annotator.Tests.Core.Annotations;

public sealed class OperationJsonParse
{
    private const string OpId = "0b3c4d5e-0000-4000-8000-000000000001";
    private const string RegionId = "0b3c4d5e-0000-4000-8000-000000000002";
    private const string LabelId = "0b3c4d5e-0000-4000-8000-000000000003";

    private static string Refusal(string json) => Assert.Throws<DomainException>(() => OperationJson.Parse(json)).Message;

    [Fact]
    public void ReadsACreate()
    {
        var op = OperationJson.Parse($$$"""
            {"opId":"{{{OpId}}}","type":"create","group":"{{{LabelId}}}","region":{"id":"{{{RegionId}}}","labelId":"{{{LabelId}}}",
             "kind":"rotatedBox","geometry":{ "cx": 1, "cy": 2, "w": 3, "h": 4, "angle": 0 },"attributes":{},"zOrder":2,"hidden":false,"locked":true}}
            """);

        var create = Assert.IsType<CreateRegionOp>(op);
        Assert.Equal(Guid.Parse(OpId), create.OpId);
        Assert.Equal(Guid.Parse(LabelId), create.Group);
        Assert.Equal("create", create.Type);
        Assert.Equal(new RegionData(Guid.Parse(RegionId), Guid.Parse(LabelId), ShapeKind.RotatedBox,
            """{"cx":1,"cy":2,"w":3,"h":4,"angle":0}""", "{}", 2, false, true), create.Region);
    }

    [Theory]
    [InlineData("""{"opId":"0b3c4d5e-0000-4000-8000-000000000001","type":"answer","questionId":"0b3c4d5e-0000-4000-8000-000000000002","value":"\ud800"}""")]
    [InlineData("""{"opId":"0b3c4d5e-0000-4000-8000-000000000001","type":"\ud800"}""")]
    [InlineData("""{"opId":"0b3c4d5e-0000-4000-8000-000000000001","type":"create","region":{"id":"0b3c4d5e-0000-4000-8000-000000000002","labelId":"0b3c4d5e-0000-4000-8000-000000000003","kind":"point","geometry":{"x":1,"y":2},"attributes":{"a":["\udfff"]}}}""")]
    public void RefusesUnpairedSurrogates(string json)
    {
        Assert.Contains("not valid Unicode", Refusal(json));
    }

    [Fact]
    public void DefaultsOptionalRegionFields()
    {
        var op = OperationJson.Parse($$$"""
            {"opId":"{{{OpId}}}","type":"create","region":{"id":"{{{RegionId}}}","labelId":"{{{LabelId}}}","kind":"point","geometry":{"x":1,"y":2} } }
            """);
        var region = Assert.IsType<CreateRegionOp>(op).Region;
        Assert.Equal(("{}", 0, false, false), (region.Attributes, region.ZOrder, region.Hidden, region.Locked));
        Assert.Null(op.Group);
    }

    [Fact]
    public void ReadsAnUpdateWithASubsetOfFields()
    {
        var op = OperationJson.Parse($$$"""
            {"opId":"{{{OpId}}}","type":"update","regionId":"{{{RegionId}}}","baseRevision":3,"set":{"zOrder":5,"hidden":true}}
            """);
        var update = Assert.IsType<UpdateRegionOp>(op);
        Assert.Equal(3, update.BaseRevision);
        Assert.Equal(new RegionChanges(ZOrder: 5, Hidden: true), update.Set);
    }

    [Fact]
    public void ReadsADeleteAndAnswers()
    {
        Assert.Equal(new DeleteRegionOp(Guid.Parse(OpId), Guid.Parse(RegionId), 0),
            OperationJson.Parse($$$"""{"opId":"{{{OpId}}}","type":"delete","regionId":"{{{RegionId}}}","baseRevision":0}"""));
        Assert.Equal("""["rain","fog"]""", Assert.IsType<AnswerOp>(OperationJson.Parse(
            $$$"""{"opId":"{{{OpId}}}","type":"answer","questionId":"{{{LabelId}}}","value":[ "rain", "fog" ]}""")).ValueJson);
        Assert.Equal("null", Assert.IsType<AnswerOp>(OperationJson.Parse(
            $$$"""{"opId":"{{{OpId}}}","type":"answer","questionId":"{{{LabelId}}}","value":null}""")).ValueJson);
    }

    [Fact]
    public void SerializeRoundTripsEveryType()
    {
        var group = Guid.NewGuid();
        EditOperation[] ops =
        [
            new CreateRegionOp(Guid.NewGuid(), new RegionData(Guid.NewGuid(), Guid.NewGuid(), ShapeKind.Mask,
                """{"size":[2,3],"counts":[2,2,2]}""", """{"a":[1,2]}""", -1, true, false)) { Group = group },
            new UpdateRegionOp(Guid.NewGuid(), Guid.NewGuid(), 7, new RegionChanges("""{"x":1,"y":2}""", Guid.NewGuid(),
                "{}", 3, false, true)),
            new UpdateRegionOp(Guid.NewGuid(), Guid.NewGuid(), 1, new RegionChanges(Locked: false)),
            new DeleteRegionOp(Guid.NewGuid(), Guid.NewGuid(), 2) { Group = group },
            new AnswerOp(Guid.NewGuid(), Guid.NewGuid(), "\"day\""),
        ];
        foreach (var op in ops)
        {
            Assert.Equal(op, OperationJson.Parse(OperationJson.Serialize(op)));
        }
    }

    [Fact]
    public void SerializeRegionEmbedsGeometryAndAttributesAsJson()
    {
        var region = new RegionData(Guid.Parse(RegionId), Guid.Parse(LabelId), ShapeKind.Box,
            """{"x":1,"y":2,"w":3,"h":4}""", """{"k":true}""", 4, false, true);
        Assert.Equal(
            $$$"""{"id":"{{{RegionId}}}","labelId":"{{{LabelId}}}","kind":"box","geometry":{"x":1,"y":2,"w":3,"h":4},"attributes":{"k":true},"zOrder":4,"hidden":false,"locked":true,"revision":9}""",
            OperationJson.SerializeRegion(region, 9));
    }

    [Theory]
    [InlineData("{not json", "The operation is not valid JSON.")]
    [InlineData("[1]", "The operation must be a JSON object.")]
    [InlineData("""{"opId":"x"}""", "The operation needs a 'type' (create, update, delete or answer).")]
    [InlineData("""{"type":"move"}""", "Unknown operation type 'move'; expected create, update, delete or answer.")]
    [InlineData("""{"type":"delete","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1}""", "The delete operation needs 'opId'.")]
    [InlineData("""{"type":"delete","opId":"nope","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1}""", "'opId' must be a uuid.")]
    [InlineData("""{"type":"delete","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":12,"baseRevision":1}""", "'regionId' must be a uuid.")]
    [InlineData("""{"type":"delete","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":-1}""", "'baseRevision' must not be negative.")]
    [InlineData("""{"type":"delete","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1.5}""", "'baseRevision' must be a whole number.")]
    [InlineData("""{"type":"delete","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1,"force":true}""", "The delete operation has an unknown property 'force'.")]
    [InlineData("""{"type":"delete","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1,"group":"g"}""", "'group' must be a uuid.")]
    [InlineData("""{"type":"update","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1,"set":{}}""", "The update changes nothing: its 'set' is empty.")]
    [InlineData("""{"type":"update","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1,"set":{"kind":"box"}}""", "The update's 'set' has an unknown property 'kind'.")]
    [InlineData("""{"type":"update","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1,"set":{"labelId":null}}""", "'labelId' must be a uuid.")]
    [InlineData("""{"type":"update","opId":"0b3c4d5e-0000-4000-8000-000000000001","regionId":"0b3c4d5e-0000-4000-8000-000000000002","baseRevision":1,"set":{"hidden":"yes"}}""", "'hidden' must be true or false.")]
    [InlineData("""{"type":"create","opId":"0b3c4d5e-0000-4000-8000-000000000001","region":{"id":"0b3c4d5e-0000-4000-8000-000000000002","labelId":"0b3c4d5e-0000-4000-8000-000000000003","kind":"circle","geometry":{}}}""", "Unknown shape kind 'circle'; expected one of box, rotatedBox, polygon, polyline, point, ellipse, keypoints, mask.")]
    [InlineData("""{"type":"create","opId":"0b3c4d5e-0000-4000-8000-000000000001","region":{"id":"0b3c4d5e-0000-4000-8000-000000000002","labelId":"0b3c4d5e-0000-4000-8000-000000000003","kind":"Box","geometry":{}}}""", "Unknown shape kind 'Box'; expected one of box, rotatedBox, polygon, polyline, point, ellipse, keypoints, mask.")]
    [InlineData("""{"type":"create","opId":"0b3c4d5e-0000-4000-8000-000000000001","region":{"id":"0b3c4d5e-0000-4000-8000-000000000002","kind":"box","geometry":{}}}""", "The region needs 'labelId'.")]
    [InlineData("""{"type":"create","opId":"0b3c4d5e-0000-4000-8000-000000000001","region":{"id":"0b3c4d5e-0000-4000-8000-000000000002","labelId":"0b3c4d5e-0000-4000-8000-000000000003","kind":"box","geometry":"{}"}}""", "'geometry' must be a JSON object.")]
    [InlineData("""{"type":"create","opId":"0b3c4d5e-0000-4000-8000-000000000001","region":{"id":"0b3c4d5e-0000-4000-8000-000000000002","labelId":"0b3c4d5e-0000-4000-8000-000000000003","kind":"box","geometry":{},"colour":"red"}}""", "The region has an unknown property 'colour'.")]
    [InlineData("""{"type":"answer","opId":"0b3c4d5e-0000-4000-8000-000000000001","questionId":"0b3c4d5e-0000-4000-8000-000000000003"}""", "The answer operation needs 'value'.")]
    public void RefusesMalformedOperationsNamingTheProblem(string json, string message)
    {
        Assert.Equal(message, Refusal(json));
    }

    [Fact]
    public void RefusesOversizedPayloads()
    {
        var counts = string.Join(",", Enumerable.Repeat("1", OperationJson.MaxOperationBytes / 2 + 1));
        var json = $$$"""{"opId":"{{{OpId}}}","type":"create","region":{"id":"{{{RegionId}}}","labelId":"{{{LabelId}}}","kind":"mask","geometry":{"size":[1,1],"counts":[{{{counts}}}]} } }""";
        Assert.Equal("The operation is larger than 4 MB.", Refusal(json));
    }
}
