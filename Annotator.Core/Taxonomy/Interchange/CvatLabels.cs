using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// Reads CVAT's label JSON (Project → Constructor → Raw) into a taxonomy: labels with their shape type, colour and
/// attributes; skeleton labels with their points, edges and drawing; tag labels as one image-level question. What
/// cannot be kept is listed in the notes. See docs/taxonomy-json.md for the mapping and the limits.
/// </summary>
public static class CvatLabels
{
    /// <summary>The OKS sigma given to skeleton points whose name is not a COCO person keypoint.</summary>
    public const double DefaultSigma = 0.05;

    /// <summary>The image-level question that CVAT's tag labels become.</summary>
    public const string TagQuestion = "Tags";

    private const string Subject = "The CVAT labels file";

    // Every kind a CVAT "any" label can be drawn as; keypoints need a skeleton, which such a label has not.
    private static readonly ShapeKind[] AnyKind =
    [
        ShapeKind.Box, ShapeKind.RotatedBox, ShapeKind.Polygon, ShapeKind.Polyline, ShapeKind.Point, ShapeKind.Ellipse,
        ShapeKind.Mask,
    ];

    // CVAT rectangles carry a rotation, so a rectangle label allows rotated boxes too.
    private static readonly Dictionary<string, ShapeKind[]> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rectangle"] = [ShapeKind.Box, ShapeKind.RotatedBox],
        ["polygon"] = [ShapeKind.Polygon],
        ["polyline"] = [ShapeKind.Polyline],
        ["points"] = [ShapeKind.Point],
        ["ellipse"] = [ShapeKind.Ellipse],
        ["mask"] = [ShapeKind.Mask],
        ["skeleton"] = [ShapeKind.Keypoints],
        ["any"] = AnyKind,
    };

    /// <summary>Reads CVAT's label JSON.</summary>
    /// <param name="json">A JSON array of CVAT labels (or an object with a "labels" array, as CVAT's API returns).</param>
    /// <returns>The taxonomy (fresh ids, valid) and notes on what was dropped or changed.</returns>
    /// <exception cref="DomainException">
    /// The JSON is malformed, larger than 2 MB, nested deeper than 64 levels, not shaped like CVAT labels (the message
    /// names the label), or exceeds a count limit.
    /// </exception>
    public static TaxonomyImport Import(string json)
    {
        var root = SafeJson.Parse(json, Subject, InterchangeLimits.MaxForeignCharacters);
        var labels = root as JsonArray ?? (root as JsonObject)?["labels"] as JsonArray
            ?? throw new DomainException($"{Subject} must be a JSON array of labels, as CVAT shows under Project → Constructor → Raw.");
        if (labels.Count == 0)
        {
            throw new DomainException($"{Subject} lists no labels.");
        }
        if (labels.Count > InterchangeLimits.MaxLabels)
        {
            throw new DomainException($"{Subject} has more than {ImportBuilder.Count(InterchangeLimits.MaxLabels)} labels.");
        }
        var builder = new ImportBuilder(Subject);
        var tags = new List<string>();
        for (var i = 0; i < labels.Count; i++)
        {
            var label = labels[i] as JsonObject ?? throw new DomainException($"Label {i + 1} is not a JSON object.");
            var name = Text(label, "name")?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new DomainException($"Label {i + 1} has no name.");
            }
            var type = Text(label, "type")?.Trim().ToLowerInvariant() ?? "any";
            if (type == "tag")
            {
                tags.Add(name);
                if (label["attributes"] is JsonArray { Count: > 0 })
                {
                    builder.Note($"Tag '{name}' has attributes; image-level questions have none, so they are dropped.");
                }
                continue;
            }
            var draft = builder.AddLabel(name);
            if (Kinds.TryGetValue(type, out var kinds))
            {
                draft.Allow(kinds);
            }
            else if (type == "cuboid")
            {
                builder.Note($"Label '{draft.Name}' is a cuboid label; Annotator has no cuboids, so it allows boxes.");
                draft.Allow([ShapeKind.Box]);
            }
            else
            {
                builder.Note($"Label '{draft.Name}' has the unknown type '{type}'; it allows every shape but keypoints.");
                draft.Allow(AnyKind);
            }
            draft.Color = builder.Color(Text(label, "color"), $"Label '{draft.Name}'");
            foreach (var attribute in ReadAttributes(label, draft.Name, builder))
            {
                builder.AddLabelAttribute(draft, attribute);
            }
            if (type == "skeleton")
            {
                draft.Skeleton = ReadSkeleton(label, draft.Name, builder);
            }
            else if (label["sublabels"] is JsonArray { Count: > 0 })
            {
                builder.Note($"Label '{draft.Name}' has sublabels but is not a skeleton; they are dropped.");
            }
        }
        if (tags.Count > 0)
        {
            // A CVAT tag marks the whole image, and an image can carry several: one multiple-choice question holds them.
            var options = builder.Options(tags, $"Question '{TagQuestion}'");
            builder.AddQuestion(new QuestionDefinition { Id = Guid.NewGuid(), Text = TagQuestion, Multiple = true, Options = options });
            builder.Note($"Tag labels mark whole images: they are the options of the image-level question '{TagQuestion}' ({string.Join(", ", options)}).");
        }
        return builder.Finish();
    }

    private static IEnumerable<AttributeDefinition> ReadAttributes(JsonObject label, string labelName, ImportBuilder builder)
    {
        if (label["attributes"] is null)
        {
            yield break;
        }
        var attributes = label["attributes"] as JsonArray
            ?? throw new DomainException($"Label '{labelName}' must list its attributes in an array.");
        for (var i = 0; i < attributes.Count; i++)
        {
            var item = attributes[i] as JsonObject
                ?? throw new DomainException($"Attribute {i + 1} of label '{labelName}' is not a JSON object.");
            var name = Text(item, "name")?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new DomainException($"Attribute {i + 1} of label '{labelName}' has no name.");
            }
            if (ReadAttribute(item, name, labelName, builder) is { } attribute)
            {
                yield return attribute;
            }
        }
    }

    private static AttributeDefinition? ReadAttribute(JsonObject item, string name, string labelName, ImportBuilder builder)
    {
        var owner = $"Attribute '{name}' of label '{labelName}'";
        var values = Values(item, owner);
        var preset = Text(item, "default_value");
        var inputType = Text(item, "input_type")?.Trim().ToLowerInvariant();
        var attribute = new AttributeDefinition { Id = Guid.NewGuid(), Name = name };
        switch (inputType)
        {
            case "select" or "radio":
            {
                // CVAT offers "__undefined__" as the "nothing chosen" entry of a select; Annotator leaves the value empty instead.
                var options = builder.Options(values.Where(v => v != "__undefined__"), owner);
                if (options.Count == 0)
                {
                    builder.Note($"{owner} has no values to choose from; it is skipped.");
                    return null;
                }
                attribute = attribute with { Kind = AttributeKind.SingleSelect, Options = options };
                return attribute with { Default = preset is not null && options.Contains(preset) ? builder.Default(attribute, JsonValue.Create(preset), owner) : null };
            }
            case "checkbox":
            {
                attribute = attribute with { Kind = AttributeKind.Checkbox };
                var text = (preset ?? values.FirstOrDefault())?.Trim().ToLowerInvariant();
                return attribute with { Default = text is "true" or "false" ? builder.Default(attribute, JsonValue.Create(text == "true"), owner) : null };
            }
            case "number":
            {
                var bounds = values.Select(ImportBuilder.Number).ToList();
                var min = bounds.ElementAtOrDefault(0);
                var max = bounds.ElementAtOrDefault(1);
                if (values.Count < 2 || min is null || max is null)
                {
                    builder.Note($"{owner} has no readable [min, max, step] values; it is a number without bounds.");
                }
                if (min > max)
                {
                    builder.Note(string.Create(CultureInfo.InvariantCulture, $"{owner}: min {min} is above max {max}; they are swapped."));
                    (min, max) = (max, min);
                }
                attribute = attribute with { Kind = AttributeKind.Number, Min = min, Max = max };
                return attribute with { Default = ImportBuilder.Number(preset) is { } number ? builder.Default(attribute, JsonValue.Create(number), owner) : null };
            }
            case "text":
                attribute = attribute with { Kind = AttributeKind.Text };
                return attribute with { Default = string.IsNullOrEmpty(preset) ? null : builder.Default(attribute, JsonValue.Create(preset), owner) };
            default:
                builder.Note($"{owner} has the input type '{inputType}', which Annotator does not know; it is skipped.");
                return null;
        }
    }

    /// <summary>The attribute's "values" as text (CVAT writes strings; numbers are read too).</summary>
    private static List<string> Values(JsonObject item, string owner)
    {
        if (item["values"] is null)
        {
            return [];
        }
        var values = item["values"] as JsonArray ?? throw new DomainException($"{owner} must list its values in an array.");
        if (values.Count > InterchangeLimits.MaxOptions)
        {
            throw new DomainException($"{owner} has more than {ImportBuilder.Count(InterchangeLimits.MaxOptions)} values.");
        }
        return
        [
            .. values.Select(v => v?.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Number => v.ToJsonString(),
                _ => throw new DomainException($"{owner} has a value that is not text."),
            }),
        ];
    }

    private static string? Text(JsonObject item, string property) => item[property] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        // A number where text is expected is read as written; objects and arrays are not text at all.
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    private sealed record Node(int Id, string? LabelName, string? LabelId, double? X, double? Y);

    /// <summary>
    /// The skeleton of a CVAT skeleton label: the sublabels are its points, ordered by their node in the drawing; the
    /// drawing's lines are the edges and its circles (in a 0..100 view box) the layout.
    /// </summary>
    private static SkeletonDefinition ReadSkeleton(JsonObject label, string labelName, ImportBuilder builder)
    {
        var sublabels = label["sublabels"] as JsonArray;
        if (sublabels is null || sublabels.Count == 0)
        {
            throw new DomainException($"Label '{labelName}' is a skeleton without points (its sublabels are missing).");
        }
        if (sublabels.Count > InterchangeLimits.MaxSkeletonPoints)
        {
            throw new DomainException($"The skeleton of '{labelName}' has more than {ImportBuilder.Count(InterchangeLimits.MaxSkeletonPoints)} points.");
        }
        var points = new List<(string Name, string? Id)>();
        for (var i = 0; i < sublabels.Count; i++)
        {
            var sublabel = sublabels[i] as JsonObject
                ?? throw new DomainException($"Point {i + 1} of the skeleton of '{labelName}' is not a JSON object.");
            var name = Text(sublabel, "name")?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new DomainException($"Point {i + 1} of the skeleton of '{labelName}' has no name.");
            }
            if (sublabel["attributes"] is JsonArray { Count: > 0 })
            {
                builder.Note($"Point '{name}' of the skeleton of '{labelName}' has attributes; points have none in Annotator, so they are dropped.");
            }
            points.Add((name, Text(sublabel, "id")));
        }

        List<Node> nodes = [];
        List<(int From, int To)> lines = [];
        if (Text(label, "svg") is { } svg && !string.IsNullOrWhiteSpace(svg))
        {
            (nodes, lines) = ReadDrawing(svg, labelName);
        }
        if (nodes.Count == 0)
        {
            builder.Note($"The skeleton of '{labelName}' has no drawing (svg); its points have no edges and no layout.");
        }

        // Each point finds its circle by name, else by CVAT's label id; points are then ordered by node id.
        var matched = new List<(string Name, Node? Node, int Order)>();
        var free = new List<Node>(nodes);
        for (var i = 0; i < points.Count; i++)
        {
            var (name, id) = points[i];
            var node = free.FirstOrDefault(n => string.Equals(n.LabelName?.Trim(), name, StringComparison.OrdinalIgnoreCase))
                ?? free.FirstOrDefault(n => n.LabelName is null && id is not null && n.LabelId == id);
            if (node is not null)
            {
                free.Remove(node);
            }
            matched.Add((name, node, i));
        }
        // Circles without a name or label id (CVAT sometimes leaves both out) take the remaining points in order.
        var unnamed = new Queue<Node>(free.Where(n => n.LabelName is null).OrderBy(n => n.Id));
        for (var i = 0; i < matched.Count && unnamed.Count > 0; i++)
        {
            if (matched[i].Node is null)
            {
                matched[i] = (matched[i].Name, unnamed.Dequeue(), matched[i].Order);
            }
        }
        var ordered = matched.OrderBy(m => m.Node is null ? 1 : 0).ThenBy(m => m.Node?.Id ?? 0).ThenBy(m => m.Order).ToList();

        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = ordered.Select(m => builder.UniqueName(m.Name, taken, $"points of the skeleton of '{labelName}'")).ToList();
        var indexByNode = new Dictionary<int, int>();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Node is { } node)
            {
                indexByNode.TryAdd(node.Id, i);
            }
        }

        var edges = new List<int[]>();
        var joined = new HashSet<(int, int)>();
        var dropped = 0;
        foreach (var (from, to) in lines)
        {
            if (!indexByNode.TryGetValue(from, out var a) || !indexByNode.TryGetValue(to, out var b) || a == b)
            {
                dropped++;
            }
            else if (joined.Add((Math.Min(a, b), Math.Max(a, b))))
            {
                edges.Add([a, b]);
            }
        }
        if (dropped > 0)
        {
            builder.Note($"The skeleton of '{labelName}': {dropped} edge(s) join nodes that are not its points; they are dropped.");
        }

        return new SkeletonDefinition
        {
            Points = names,
            Edges = edges,
            FlipPairs = FlipPairs(names, labelName, builder),
            Sigmas = Sigmas(names, labelName, builder),
            Layout = Layout(ordered.Select(m => m.Node).ToList(), labelName, nodes.Count > 0, builder),
        };
    }

    /// <summary>The circles (nodes) and lines (edges, by node id) of a CVAT skeleton drawing.</summary>
    private static (List<Node> Nodes, List<(int From, int To)> Lines) ReadDrawing(string svg, string labelName)
    {
        var root = SafeXml.Parse(svg, $"The skeleton drawing (svg) of '{labelName}'", wrap: true);
        var lines = new List<(int From, int To)>();
        var nodes = new List<Node>();
        var ids = new HashSet<int>();
        foreach (var element in root.Descendants())
        {
            if (element.Is("circle") && Integer(element["data-node-id"] ?? element["data-element-id"]) is { } id && ids.Add(id))
            {
                var name = element["data-label-name"];
                nodes.Add(new Node(id, string.IsNullOrWhiteSpace(name) ? null : name, element["data-label-id"]?.Trim(),
                    ImportBuilder.Number(element["cx"]), ImportBuilder.Number(element["cy"])));
            }
            else if (element.Is("line") && Integer(element["data-node-from"]) is { } from && Integer(element["data-node-to"]) is { } to)
            {
                lines.Add((from, to));
            }
        }
        return (nodes, lines);
    }

    private static int? Integer(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Each circle's place, from CVAT's 0..100 view box into the unit square; none unless every point has one.</summary>
    private static List<double[]>? Layout(List<Node?> nodes, string labelName, bool drawn, ImportBuilder builder)
    {
        if (nodes.Any(n => n?.X is null || n.Y is null))
        {
            if (drawn)
            {
                builder.Note($"The skeleton drawing of '{labelName}' does not place every point; the points start round a circle instead.");
            }
            return null;
        }
        var clamped = false;
        double Unit(double value)
        {
            var unit = value / 100;
            clamped |= unit is < 0 or > 1;
            return Math.Clamp(unit, 0, 1);
        }
        var layout = nodes.Select(n => new[] { Unit(n!.X!.Value), Unit(n.Y!.Value) }).ToList();
        if (clamped)
        {
            builder.Note($"The skeleton drawing of '{labelName}' places points outside its 0..100 frame; they are moved to the edge.");
        }
        return layout;
    }

    /// <summary>COCO's sigma for points named like COCO person keypoints ("left eye", "left-eye"), else the default.</summary>
    private static List<double> Sigmas(List<string> names, string labelName, ImportBuilder builder)
    {
        var sigmas = new List<double>();
        var guessed = new List<string>();
        foreach (var name in names)
        {
            var coco = name.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
            var index = DemoTaxonomy.CocoPersonPoints.ToList().IndexOf(coco);
            sigmas.Add(index >= 0 ? DemoTaxonomy.CocoPersonSigmas[index] : DefaultSigma);
            if (index < 0)
            {
                guessed.Add(name);
            }
        }
        if (guessed.Count == names.Count)
        {
            builder.Note(string.Create(CultureInfo.InvariantCulture, $"The skeleton of '{labelName}': no point is a COCO person keypoint, so every sigma (for OKS) is {DefaultSigma}; adjust them in the editor."));
        }
        else if (guessed.Count > 0)
        {
            builder.Note(string.Create(CultureInfo.InvariantCulture, $"The skeleton of '{labelName}': {names.Count - guessed.Count} points have COCO's person sigmas; {string.Join(", ", guessed.Select(g => $"'{g}'"))} got {DefaultSigma}."));
        }
        else
        {
            builder.Note($"The skeleton of '{labelName}': every point is a COCO person keypoint and has COCO's sigma.");
        }
        return sigmas;
    }

    private static List<int[]> FlipPairs(List<string> names, string labelName, ImportBuilder builder)
    {
        var pairs = SkeletonSides.FlipPairs(names);
        builder.Note(pairs.Count == 0
            ? $"The skeleton of '{labelName}': no left/right point pairs were recognised by name, so flipping keeps every point."
            : $"The skeleton of '{labelName}': {pairs.Count} left/right flip pair(s) were inferred from the point names.");
        return pairs;
    }
}
