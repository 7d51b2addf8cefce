using System.Globalization;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy;

/// <summary>A taxonomy a new project can start from.</summary>
/// <param name="Key">Stable key (what the project dialog sends).</param>
/// <param name="Name">Name in the dialog.</param>
/// <param name="Description">One sentence on what it holds.</param>
/// <param name="Create">Makes the taxonomy, with fresh ids.</param>
public sealed record TaxonomyTemplate(string Key, string Name, string Description, Func<TaxonomyDefinition> Create);

/// <summary>
/// The taxonomies a new project can start from: the starter (<see cref="DemoTaxonomy"/>), nothing, COCO's 80 object
/// categories, or COCO's person keypoints. Whichever is chosen is published as version 1 and can be changed in the
/// taxonomy editor like any other (or replaced by importing a Label Studio or CVAT file there).
/// </summary>
public static class TaxonomyTemplates
{
    /// <summary>The key of the template new projects start from unless told otherwise.</summary>
    public const string DefaultKey = "starter";

    /// <summary>COCO's 80 object categories, in the order of their category ids.</summary>
    public static IReadOnlyList<string> CocoCategories { get; } =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
        "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
        "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
        "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
        "hair drier", "toothbrush",
    ];

    /// <summary>Every template, the default first.</summary>
    public static IReadOnlyList<TaxonomyTemplate> All { get; } =
    [
        new(DefaultKey, "Starter", "person (with the COCO skeleton), animal and vehicle, an 'occluded' checkbox and two image questions.",
            DemoTaxonomy.Create),
        new("empty", "Empty", "No labels: add them in the taxonomy editor, or import a Label Studio config or CVAT labels there.",
            () => new TaxonomyDefinition()),
        new("coco-objects", "COCO objects", "COCO's 80 object categories (boxes, polygons and masks), each its own colour.",
            CocoObjects),
        new("coco-keypoints", "COCO keypoints", "person with a box and COCO's 17 keypoints, edges, flip pairs and OKS sigmas.",
            CocoKeypoints),
    ];

    /// <summary>The template with this key.</summary>
    /// <exception cref="DomainException">No template has it.</exception>
    public static TaxonomyTemplate Get(string? key)
    {
        var wanted = string.IsNullOrWhiteSpace(key) ? DefaultKey : key.Trim();
        return All.FirstOrDefault(t => string.Equals(t.Key, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new DomainException($"There is no taxonomy template '{wanted}'; choose one of: {string.Join(", ", All.Select(t => t.Key))}.");
    }

    private static TaxonomyDefinition CocoObjects() => new()
    {
        Labels = [.. CocoCategories.Select((name, i) => new LabelDefinition
        {
            Id = Guid.NewGuid(),
            Name = name,
            Color = SpreadColor(i),
            ShapeKinds = [ShapeKind.Box, ShapeKind.Polygon, ShapeKind.Mask],
        })],
        ProjectAttributes = [new AttributeDefinition { Id = Guid.NewGuid(), Name = "iscrowd", Kind = AttributeKind.Checkbox }],
    };

    private static TaxonomyDefinition CocoKeypoints() => new()
    {
        Labels =
        [
            new LabelDefinition
            {
                Id = Guid.NewGuid(), Name = "person", Color = "#e6194b", Hotkey = "1",
                ShapeKinds = [ShapeKind.Box, ShapeKind.Keypoints], Skeleton = DemoTaxonomy.CocoPerson,
                Description = "A person: a tight box, and the keypoints you can see or infer with confidence.",
            },
        ],
    };

    /// <summary>
    /// The <paramref name="index"/>th of a run of colours whose hues are a golden angle apart (so neighbours differ
    /// most), alternating between two lightnesses; #rrggbb.
    /// </summary>
    public static string SpreadColor(int index)
    {
        var hue = index * 137.508 % 360;
        var lightness = index % 2 == 0 ? 0.45 : 0.6;
        const double Saturation = 0.7;
        var c = (1 - Math.Abs(2 * lightness - 1)) * Saturation;
        var x = c * (1 - Math.Abs(hue / 60 % 2 - 1));
        var m = lightness - c / 2;
        var (r, g, b) = (int)(hue / 60) switch
        {
            0 => (c, x, 0d),
            1 => (x, c, 0d),
            2 => (0d, c, x),
            3 => (0d, x, c),
            4 => (x, 0d, c),
            _ => (c, 0d, x),
        };
        static string Hex(double v) => ((int)Math.Round((v) * 255)).ToString("x2", CultureInfo.InvariantCulture);
        return "#" + Hex(r + m) + Hex(g + m) + Hex(b + m);
    }
}
