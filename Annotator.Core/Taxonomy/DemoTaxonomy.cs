using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy;

/// <summary>
/// The small taxonomy of the demo project: person (with the COCO keypoint skeleton), animal, vehicle; an "occluded"
/// checkbox on every region, a few label attributes and two image-level questions.
/// </summary>
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
        // An upright person facing the viewer, so the person's left is on the image's right.
        Layout =
        [
            [0.50, 0.08], // nose
            [0.54, 0.05], [0.46, 0.05], // eyes
            [0.59, 0.07], [0.41, 0.07], // ears
            [0.66, 0.22], [0.34, 0.22], // shoulders
            [0.72, 0.38], [0.28, 0.38], // elbows
            [0.75, 0.52], [0.25, 0.52], // wrists
            [0.60, 0.54], [0.40, 0.54], // hips
            [0.61, 0.75], [0.39, 0.75], // knees
            [0.62, 0.97], [0.38, 0.97], // ankles
        ],
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
            Guideline = """
                ## How we label

                - One shape per object, never one shape around a group.
                - Boxes are **tight**: they touch the outermost visible pixels.
                - Tick *occluded* when something covers more than a quarter of the object.
                - Not sure? Skip the image with a reason rather than guess.
                """,
            ProjectAttributes =
            [
                new AttributeDefinition { Id = Guid.NewGuid(), Name = "occluded", Kind = AttributeKind.Checkbox },
            ],
            Questions =
            [
                new QuestionDefinition
                {
                    Id = Guid.NewGuid(), Text = "Time of day", Options = ["day", "night", "dusk/dawn", "indoor"],
                },
                new QuestionDefinition
                {
                    Id = Guid.NewGuid(), Text = "Weather", Multiple = true,
                    Options = ["clear", "cloudy", "rain", "snow", "fog"],
                },
            ],
            Labels =
            [
                new LabelDefinition
                {
                    Id = Guid.NewGuid(), Name = "person", Color = "#e6194b", Hotkey = "1",
                    ShapeKinds = [.. everyShape, ShapeKind.Keypoints], Skeleton = CocoPerson,
                    Description = "A human being, any pose, including partly visible people.",
                    Guideline = "Keypoints follow COCO: mark only what you can see or infer with confidence; leave the rest unlabeled.",
                    Attributes =
                    [
                        new AttributeDefinition
                        {
                            Id = Guid.NewGuid(), Name = "pose", Kind = AttributeKind.SingleSelect,
                            Options = ["standing", "sitting", "lying", "other"],
                        },
                    ],
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
                    Attributes =
                    [
                        new AttributeDefinition
                        {
                            Id = Guid.NewGuid(), Name = "kind", Kind = AttributeKind.SingleSelect,
                            Options = ["car", "truck", "bus", "bike", "boat", "aircraft", "other"],
                        },
                        new AttributeDefinition
                        {
                            Id = Guid.NewGuid(), Name = "count", Kind = AttributeKind.Number, Min = 1, Max = 100,
                        },
                    ],
                },
            ],
        };
    }
}
