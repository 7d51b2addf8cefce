namespace Annotator.Core.Taxonomy;

/// <summary>
/// The edits of a keypoint skeleton, as pure functions: each returns a new <see cref="SkeletonDefinition"/> and leaves
/// its argument alone. Every result has one sigma per point; a result of an edit that places a point (add, move) also
/// has one layout position per point (points without one keep their place round the circle the keypoint tool uses).
/// Point names are trimmed, must not be empty and must differ from the other points' names, ignoring case; a refused
/// name throws a <see cref="DomainException"/> whose message is for the admin.
/// </summary>
public static class SkeletonEdits
{
    /// <summary>The OKS sigma of a new point whose name is not one of COCO's person points.</summary>
    public const double FallbackSigma = 0.05;

    /// <summary>Layout coordinates are rounded to this many decimals (a thousandth of a pixel in a 10 px box).</summary>
    private const int LayoutDecimals = 4;

    private static readonly Dictionary<string, double> CocoSigmas = DemoTaxonomy.CocoPersonPoints
        .Select((name, i) => (name, sigma: DemoTaxonomy.CocoPersonSigmas[i]))
        .ToDictionary(p => p.name, p => p.sigma, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The sigma a point named <paramref name="name"/> starts with: COCO's person sigma when the name is one of COCO's
    /// person points (e.g. "left_knee" gets 0.087; case and surrounding spaces do not matter), else
    /// <see cref="FallbackSigma"/>.
    /// </summary>
    public static double DefaultSigma(string name) =>
        CocoSigmas.TryGetValue((name ?? "").Trim(), out var sigma) ? sigma : FallbackSigma;

    /// <summary>A name for a new point that no point has yet: "point N", N being the new point count or above.</summary>
    public static string NextPointName(SkeletonDefinition skeleton)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        for (var n = skeleton.Points.Count + 1; ; n++)
        {
            var name = $"point {n}";
            if (NameProblem(skeleton, name, -1) is null)
            {
                return name;
            }
        }
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be the name of point <paramref name="index"/> (-1: of a new point), as a
    /// sentence for the admin; null when it can.
    /// </summary>
    public static string? NameProblem(SkeletonDefinition skeleton, string? name, int index)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return "Every point needs a name.";
        }
        for (var i = 0; i < skeleton.Points.Count; i++)
        {
            if (i != index && string.Equals(skeleton.Points[i].Trim(), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return $"Another point is already called '{skeleton.Points[i]}'.";
            }
        }
        return null;
    }

    /// <summary>
    /// Where each point is drawn, in the unit square: the layout when it has one position per point, else the points
    /// spaced evenly round the circle inscribed in the square, clockwise from the top (as the keypoint tool places them).
    /// </summary>
    public static IReadOnlyList<double[]> Positions(SkeletonDefinition skeleton)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        var count = skeleton.Points.Count;
        if (skeleton.Layout is { } layout && layout.Count == count && layout.All(p => p is { Length: 2 }))
        {
            return [.. layout.Select(p => new[] { Clamp(p[0]), Clamp(p[1]) })];
        }
        if (count == 1)
        {
            return [[0.5, 0.5]];
        }
        return
        [
            .. Enumerable.Range(0, count).Select(i =>
            {
                var angle = -Math.PI / 2 + 2 * Math.PI * i / count;
                return new[] { Round(0.5 + 0.5 * Math.Cos(angle)), Round(0.5 + 0.5 * Math.Sin(angle)) };
            }),
        ];
    }

    /// <summary>The point paired with <paramref name="index"/> for flipping, if any.</summary>
    public static int? FlipPartner(SkeletonDefinition skeleton, int index)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        foreach (var pair in skeleton.FlipPairs)
        {
            if (pair.Length == 2 && pair[0] == index)
            {
                return pair[1];
            }
            if (pair.Length == 2 && pair[1] == index)
            {
                return pair[0];
            }
        }
        return null;
    }

    /// <summary>
    /// Adds a point named <paramref name="name"/> at (<paramref name="x"/>, <paramref name="y"/>) in the unit square
    /// (clamped into it), with the <see cref="DefaultSigma"/> of its name, and no edge.
    /// </summary>
    public static SkeletonDefinition AddPoint(SkeletonDefinition skeleton, string name, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        var trimmed = CheckName(skeleton, name, except: -1);
        var layout = Positions(skeleton).Select(p => (double[])p.Clone()).ToList();
        layout.Add([Clamp(x), Clamp(y)]);
        return skeleton with
        {
            Points = [.. skeleton.Points, trimmed],
            Sigmas = [.. SigmasOf(skeleton), DefaultSigma(trimmed)],
            Layout = layout,
            Edges = CopyPairs(skeleton.Edges),
            FlipPairs = CopyPairs(skeleton.FlipPairs),
        };
    }

    /// <summary>
    /// Removes point <paramref name="index"/> with its edges, its flip pair, its sigma and its layout position; the
    /// points after it move down one index, and the edges and flip pairs follow them.
    /// </summary>
    public static SkeletonDefinition RemovePoint(SkeletonDefinition skeleton, int index)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckIndex(skeleton, index);
        int Shift(int i) => i > index ? i - 1 : i;
        IReadOnlyList<int[]> Reindex(IEnumerable<int[]> pairs) =>
            [.. pairs.Where(p => p.Length == 2 && p[0] != index && p[1] != index).Select(p => new[] { Shift(p[0]), Shift(p[1]) })];
        return skeleton with
        {
            Points = [.. skeleton.Points.Where((_, i) => i != index)],
            Sigmas = [.. SigmasOf(skeleton).Where((_, i) => i != index)],
            // A skeleton placed round the circle stays so: its remaining points close up round it.
            Layout = HasLayout(skeleton) ? [.. skeleton.Layout!.Where((_, i) => i != index).Select(p => (double[])p.Clone())] : null,
            Edges = Reindex(skeleton.Edges),
            FlipPairs = Reindex(skeleton.FlipPairs),
        };
    }

    /// <summary>
    /// Renames point <paramref name="index"/>. A sigma still at the default of the old name takes the default of the
    /// new one (so renaming "point 18" to "left_knee" gives it COCO's 0.087); a sigma set by hand is kept.
    /// </summary>
    public static SkeletonDefinition RenamePoint(SkeletonDefinition skeleton, int index, string name)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckIndex(skeleton, index);
        var trimmed = CheckName(skeleton, name, except: index);
        var sigmas = SigmasOf(skeleton).ToArray();
        if (sigmas[index] == DefaultSigma(skeleton.Points[index]))
        {
            sigmas[index] = DefaultSigma(trimmed);
        }
        return skeleton with
        {
            Points = [.. skeleton.Points.Select((p, i) => i == index ? trimmed : p)],
            Sigmas = sigmas,
            Layout = CopyLayout(skeleton),
            Edges = CopyPairs(skeleton.Edges),
            FlipPairs = CopyPairs(skeleton.FlipPairs),
        };
    }

    /// <summary>
    /// Moves point <paramref name="index"/> to (<paramref name="x"/>, <paramref name="y"/>), clamped into the unit
    /// square and rounded to 4 decimals; a NaN or infinite coordinate counts as 0.5. The other points keep their place.
    /// </summary>
    public static SkeletonDefinition MovePoint(SkeletonDefinition skeleton, int index, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckIndex(skeleton, index);
        var layout = Positions(skeleton).Select(p => (double[])p.Clone()).ToArray();
        layout[index] = [Clamp(x), Clamp(y)];
        return skeleton with
        {
            Layout = layout,
            Sigmas = SigmasOf(skeleton),
            Edges = CopyPairs(skeleton.Edges),
            FlipPairs = CopyPairs(skeleton.FlipPairs),
        };
    }

    /// <summary>Adds the edge between points <paramref name="i"/> and <paramref name="j"/>, or removes it if it exists (either way round).</summary>
    public static SkeletonDefinition ToggleEdge(SkeletonDefinition skeleton, int i, int j)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckPair(skeleton, i, j);
        var edges = CopyPairs(skeleton.Edges).ToList();
        if (edges.RemoveAll(e => Joins(e, i, j)) == 0)
        {
            edges.Add([i, j]);
        }
        return skeleton with { Edges = edges, Sigmas = SigmasOf(skeleton), Layout = CopyLayout(skeleton), FlipPairs = CopyPairs(skeleton.FlipPairs) };
    }

    /// <summary>
    /// Pairs points <paramref name="i"/> and <paramref name="j"/> for flipping, or unpairs them if they are paired. A
    /// point is in at most one pair: pairing drops the pairs <paramref name="i"/> and <paramref name="j"/> were in.
    /// </summary>
    public static SkeletonDefinition ToggleFlipPair(SkeletonDefinition skeleton, int i, int j)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckPair(skeleton, i, j);
        var pairs = CopyPairs(skeleton.FlipPairs).ToList();
        var wasPaired = pairs.Any(p => Joins(p, i, j));
        pairs.RemoveAll(p => p.Contains(i) || p.Contains(j));
        if (!wasPaired)
        {
            pairs.Add([i, j]);
        }
        return skeleton with { FlipPairs = pairs, Sigmas = SigmasOf(skeleton), Layout = CopyLayout(skeleton), Edges = CopyPairs(skeleton.Edges) };
    }

    /// <summary>
    /// Makes <paramref name="partner"/> the flip partner of point <paramref name="index"/> (dropping the pairs either
    /// was in), or, with null, leaves <paramref name="index"/> unpaired.
    /// </summary>
    public static SkeletonDefinition SetFlipPartner(SkeletonDefinition skeleton, int index, int? partner)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckIndex(skeleton, index);
        if (partner is { } other)
        {
            return FlipPartner(skeleton, index) == other ? skeleton : ToggleFlipPair(skeleton, index, other);
        }
        return skeleton with
        {
            FlipPairs = [.. CopyPairs(skeleton.FlipPairs).Where(p => !p.Contains(index))],
            Sigmas = SigmasOf(skeleton),
            Layout = CopyLayout(skeleton),
            Edges = CopyPairs(skeleton.Edges),
        };
    }

    /// <summary>Sets the OKS sigma of point <paramref name="index"/>; it must be above 0 and at most 1.</summary>
    public static SkeletonDefinition SetSigma(SkeletonDefinition skeleton, int index, double sigma)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        CheckIndex(skeleton, index);
        if (SigmaProblem(sigma) is { } problem)
        {
            throw new DomainException(problem);
        }
        var sigmas = SigmasOf(skeleton).ToArray();
        sigmas[index] = sigma;
        return skeleton with { Sigmas = sigmas, Layout = CopyLayout(skeleton), Edges = CopyPairs(skeleton.Edges), FlipPairs = CopyPairs(skeleton.FlipPairs) };
    }

    /// <summary>Why <paramref name="sigma"/> cannot be a point's OKS sigma, as a sentence for the admin; null when it can.</summary>
    public static string? SigmaProblem(double sigma) =>
        sigma > 0 && sigma <= 1 ? null : "A sigma must be above 0 and at most 1.";

    /// <summary>
    /// A copy of <paramref name="skeleton"/> with arrays of its own, so changing an element of the copy's pairs or layout
    /// cannot change the original (e.g. the shared <see cref="DemoTaxonomy.CocoPerson"/> template).
    /// </summary>
    public static SkeletonDefinition Copy(SkeletonDefinition skeleton)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        return skeleton with
        {
            Points = [.. skeleton.Points],
            Sigmas = [.. skeleton.Sigmas],
            Layout = CopyLayout(skeleton),
            Edges = CopyPairs(skeleton.Edges),
            FlipPairs = CopyPairs(skeleton.FlipPairs),
        };
    }

    /// <summary>The sigmas, one per point: those given, or each point's <see cref="DefaultSigma"/> when there are none.</summary>
    public static IReadOnlyList<double> SigmasOf(SkeletonDefinition skeleton)
    {
        ArgumentNullException.ThrowIfNull(skeleton);
        return skeleton.Sigmas.Count == skeleton.Points.Count
            ? [.. skeleton.Sigmas]
            : [.. skeleton.Points.Select((name, i) => i < skeleton.Sigmas.Count ? skeleton.Sigmas[i] : DefaultSigma(name))];
    }

    private static bool HasLayout(SkeletonDefinition skeleton) =>
        skeleton.Layout is { } layout && layout.Count == skeleton.Points.Count;

    private static IReadOnlyList<double[]>? CopyLayout(SkeletonDefinition skeleton) =>
        skeleton.Layout is { } layout ? [.. layout.Select(p => (double[])p.Clone())] : null;

    private static IReadOnlyList<int[]> CopyPairs(IEnumerable<int[]> pairs) => [.. pairs.Select(p => (int[])p.Clone())];

    private static bool Joins(int[] pair, int i, int j) =>
        pair.Length == 2 && ((pair[0] == i && pair[1] == j) || (pair[0] == j && pair[1] == i));

    private static double Round(double value) => Math.Round(value, LayoutDecimals, MidpointRounding.AwayFromZero);

    private static double Clamp(double value) => double.IsFinite(value) ? Round(Math.Clamp(value, 0, 1)) : 0.5;

    private static void CheckIndex(SkeletonDefinition skeleton, int index)
    {
        if (index < 0 || index >= skeleton.Points.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The skeleton has {skeleton.Points.Count} points.");
        }
    }

    private static void CheckPair(SkeletonDefinition skeleton, int i, int j)
    {
        CheckIndex(skeleton, i);
        CheckIndex(skeleton, j);
        if (i == j)
        {
            throw new DomainException("A point cannot be joined to itself.");
        }
    }

    private static string CheckName(SkeletonDefinition skeleton, string? name, int except) =>
        NameProblem(skeleton, name, except) is { } problem ? throw new DomainException(problem) : name!.Trim();
}
