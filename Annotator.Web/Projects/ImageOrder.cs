using Annotator.Core.Images;

namespace Annotator.Web.Projects;

/// <summary>
/// The one order of a project's images, used everywhere they are listed or walked through: the grid, next/previous and
/// the image counter in the workspace ("7 of 120"), and the labeling queue. It is the order the images were added to
/// the project: the order the server stored them in, which is their id order (ids are assigned when an image is stored
/// and never reused). Files sent together (a multi-file drop or a .zip) are stored a few at a time, so they appear in
/// the order each finished, not necessarily the order they were chosen in.
/// </summary>
public static class ImageOrder
{
    /// <summary>Sorts images in the project's order (first added first).</summary>
    public static IOrderedQueryable<Image> InProjectOrder(this IQueryable<Image> images) => images.OrderBy(i => i.Id);

    /// <summary>Sorts images in reverse project order (last added first).</summary>
    public static IOrderedQueryable<Image> InReverseProjectOrder(this IQueryable<Image> images) => images.OrderByDescending(i => i.Id);
}

/// <summary>Where an image is in its project's order (<see cref="ImageOrder"/>).</summary>
/// <param name="Previous">The image before it, if any.</param>
/// <param name="Next">The image after it, if any.</param>
/// <param name="Position">Its position, from 1.</param>
/// <param name="Total">How many images the project has.</param>
public sealed record ImagePlace(int? Previous, int? Next, int Position, int Total);
