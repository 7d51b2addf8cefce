using System.Text;
using Annotator.Core;
using Annotator.Core.Taxonomy.Interchange;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Core.Taxonomy.Interchange;

/// <summary>Files built to hurt the server: each is refused quickly, whole, and with a message that says why.</summary>
public sealed class HostileInterchangeInput
{
    private static string Fixture(string name) => File.ReadAllText(Fixtures.PathOf($"taxonomy/{name}"));

    private const string NoDoctype = "The labeling config must not contain a DOCTYPE (DTDs and external entities are refused).";

    [Fact]
    public void AnExternalEntityIsRefusedAndNothingOfTheFileLeaks()
    {
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import(Fixture("xxe.xml")));
        Assert.Equal(NoDoctype, refusal.Message);
        Assert.DoesNotContain("root:", refusal.Message);
        Assert.DoesNotContain("/bin/", refusal.Message);
        Assert.DoesNotContain("passwd", refusal.Message);
    }

    [Fact]
    public void EntityExpansionIsRefused()
    {
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import(Fixture("billion-laughs.xml")));
        Assert.Equal(NoDoctype, refusal.Message);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import(Fixture("deep-nesting.xml")));
        Assert.Equal("The labeling config is nested deeper than 64 levels.", refusal.Message);
    }

    [Fact]
    public void NestingUpToTheLimitIsFine()
    {
        var inner = "<Image name=\"image\" value=\"$image\"/><RectangleLabels name=\"l\" toName=\"image\"><Label value=\"Car\"/></RectangleLabels>";
        // 62 Views, then RectangleLabels at depth 62 and Label at depth 63: 64 levels.
        var config = string.Concat(Enumerable.Repeat("<View>", 62)) + inner + string.Concat(Enumerable.Repeat("</View>", 62));
        Assert.Equal("Car", Assert.Single(LabelStudioConfig.Import(config).Taxonomy.Labels).Name);
    }

    [Fact]
    public void ConfigsLargerThan2MegabytesAreRefused()
    {
        var padding = new StringBuilder();
        while (padding.Length <= InterchangeLimits.MaxForeignCharacters)
        {
            padding.Append("<Header value=\"padding padding padding padding padding padding padding\"/>\n");
        }
        var config = $"<View><Image name=\"image\" value=\"$image\"/>{padding}<Choices name=\"c\" toName=\"image\"><Choice value=\"a\"/></Choices></View>";
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import(config));
        Assert.Equal("The labeling config is larger than 2 MB.", refusal.Message);
    }

    [Fact]
    public void MalformedXmlIsRefusedWithWhereItBreaks()
    {
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import(Fixture("malformed.xml")));
        Assert.Equal(
            "The labeling config is not well-formed XML: The 'Label' start tag on line 4 position 6 does not match the end tag of 'RectangleLabels' (line 5, position 5).",
            refusal.Message);
    }

    [Fact]
    public void AnUndeclaredEntityIsMalformed()
    {
        var refusal = Assert.Throws<DomainException>(() => LabelStudioConfig.Import("<View><Header value=\"&xxe;\"/></View>"));
        Assert.StartsWith("The labeling config is not well-formed XML: Reference to undeclared entity 'xxe'", refusal.Message);
    }

    [Fact]
    public void ASkeletonDrawingWithADoctypeIsRefused()
    {
        var svg = "<!DOCTYPE svg [<!ENTITY xxe SYSTEM \\\"file:///etc/passwd\\\">]><circle data-node-id=\\\"1\\\" data-label-name=\\\"&xxe;\\\"/>";
        var json = $"[{{\"name\":\"hand\",\"type\":\"skeleton\",\"sublabels\":[{{\"name\":\"wrist\"}}],\"svg\":\"{svg}\"}}]";
        var refusal = Assert.Throws<DomainException>(() => CvatLabels.Import(json));
        Assert.Equal("The skeleton drawing (svg) of 'hand' must not contain a DOCTYPE (DTDs and external entities are refused).", refusal.Message);
    }

    [Fact]
    public void AMalformedSkeletonDrawingIsRefusedWithWhereItBreaks()
    {
        var json = "[{\"name\":\"hand\",\"type\":\"skeleton\",\"sublabels\":[{\"name\":\"wrist\"}],\"svg\":\"<circle data-node-id=\\\"1\\\">\"}]";
        var refusal = Assert.Throws<DomainException>(() => CvatLabels.Import(json));
        Assert.StartsWith("The skeleton drawing (svg) of 'hand' is not well-formed XML: ", refusal.Message);
    }

    [Fact]
    public void JsonNestedTooDeepIsRefused()
    {
        var refusal = Assert.Throws<DomainException>(() => CvatLabels.Import(Fixture("deep.json")));
        Assert.Equal("The CVAT labels file is nested deeper than 64 levels.", refusal.Message);
    }

    [Fact]
    public void JsonOfTheWrongShapeIsRefused()
    {
        var refusal = Assert.Throws<DomainException>(() => CvatLabels.Import(Fixture("wrong-shape.json")));
        Assert.Equal("The CVAT labels file must be a JSON array of labels, as CVAT shows under Project → Constructor → Raw.", refusal.Message);
    }

    [Fact]
    public void MalformedJsonIsRefusedWithWhereItBreaks()
    {
        var refusal = Assert.Throws<DomainException>(() => CvatLabels.Import("[\n  {\"name\": \"car\",}\n]"));
        Assert.StartsWith("The CVAT labels file is not valid JSON: ", refusal.Message);
        Assert.EndsWith("(line 2, position 18).", refusal.Message);
    }

    [Fact]
    public void CvatFilesLargerThan2MegabytesAreRefused()
    {
        var json = $"[{{\"name\":\"car\",\"padding\":\"{new string(' ', InterchangeLimits.MaxForeignCharacters)}\"}}]";
        Assert.Equal("The CVAT labels file is larger than 2 MB.", Assert.Throws<DomainException>(() => CvatLabels.Import(json)).Message);
    }

    [Fact]
    public void MoreThan5000CvatLabelsAreRefused()
    {
        var json = "[" + string.Join(",", Enumerable.Range(0, 5_001).Select(i => $"{{\"name\":\"l{i}\"}}")) + "]";
        Assert.Equal("The CVAT labels file has more than 5,000 labels.", Assert.Throws<DomainException>(() => CvatLabels.Import(json)).Message);
    }
}
