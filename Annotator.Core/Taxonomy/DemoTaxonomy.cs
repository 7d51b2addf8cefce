using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy;

/// <summary>The small taxonomy of the demo project: person (with the COCO keypoint skeleton), animal, vehicle.</summary>
public static class DemoTaxonomy
{
    /// <summary>COCO's 17 person keypoints, in COCO order.</summary>
    public static IReadOnlyList<string> CocoPersonPoints { get; } =
    [
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
        "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "right_ankle",
    ];

    /// <summary>COCO's per-keypoint OKS sigmas for people, in the same order.</summary>
    public static IReadOnlyList<double> CocoPersonSigmas { get; } =
        [0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089];

    /// <summary>The COCO person skeleton as a template.</summary>
    public static SkeletonDefinition CocoPerson { get; } = new()
    {
        Points = CocoPersonPoints,
        // COCO's skeleton, converted from its 1-based indices.
        Edges =
        [
            [15, 13], [13, 11], [16, 14], [14, 12], [11, 12], [5, 11], [6, 12], [5, 6], [5, 7], [6, 8], [7, 9],
            [8, 10], [1, 2], [0, 1], [0, 2], [1, 3], [2, 4], [3, 5], [4, 6],
        ],
        FlipPairs = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [15, 16]],
        Sigmas = CocoPersonSigmas,
    };

    /// <summary>Builds the demo taxonomy with fresh ids.</summary>
    public static TaxonomyDefinition Create()
    {
        ShapeKind[] everyShape =
        [
            ShapeKind.Box, ShapeKind.RotatedBox, ShapeKind.Polygon, ShapeKind.Polyline, ShapeKind.Point,
            ShapeKind.Ellipse, ShapeKind.Mask,
        ];
        return new TaxonomyDefinition
        {
            Labels =
            [
                new LabelDefinition
                {
                    Id = Guid.NewGuid(), Name = "person", Color = "#e6194b", Hotkey = "1",
                    ShapeKinds = [.. everyShape, ShapeKind.Keypoints], Skeleton = CocoPerson,
                    Description = "A human being, any pose, including partly visible people.",
                },
                new LabelDefinition
                {
                    Id = Guid.NewGuid(), Name = "animal", Color = "#3cb44b", Hotkey = "2", ShapeKinds = everyShape,
                    Description = "Any animal: pets, livestock, wildlife.",
                },
                new LabelDefinition
                {
                    Id = Guid.NewGuid(), Name = "vehicle", Color = "#4363d8", Hotkey = "3", ShapeKinds = everyShape,
                    Description = "Cars, trucks, bikes, boats, aircraft and rockets.",
                },
            ],
        };
    }
}
