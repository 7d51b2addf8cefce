using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Annotator.Web.Projects;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Annotations;

/// <summary>
/// Who is editing which image, under which taxonomy version, and whether they may: loaded fresh for every operation,
/// so a role revoked or a project archived mid-session takes effect on the next edit.
/// </summary>
/// <param name="Image">The image (tracked by the context it was loaded with).</param>
/// <param name="UserId">The caller.</param>
/// <param name="IsAdmin">An application admin.</param>
/// <param name="Role">The caller's project role, if a member.</param>
/// <param name="ProjectName">For the page title.</param>
/// <param name="Overlap">Labelers per image: 1 means one shared set, N a private set per labeler.</param>
/// <param name="IsArchived">Archived projects are read-only.</param>
/// <param name="TaxonomyVersionId">The newest published taxonomy version, if any.</param>
/// <param name="Taxonomy">Its content.</param>
/// <param name="TaxonomyNumber">Its version number.</param>
/// <param name="UserName">The caller's display name (shown to others with their edits).</param>
public sealed record EditContext(
    Image Image,
    string UserId,
    bool IsAdmin,
    ProjectRole? Role,
    string ProjectName,
    int Overlap,
    bool IsArchived,
    int? TaxonomyVersionId,
    TaxonomyDefinition? Taxonomy,
    int TaxonomyNumber,
    string UserName)
{
    /// <summary>Why the caller may not change this image's annotations, or null when they may.</summary>
    public string? WhyReadOnly
    {
        get
        {
            if (IsArchived)
            {
                return "The project is archived; its annotations can be viewed, not changed.";
            }
            if (TaxonomyVersionId is null)
            {
                return "The project has no published taxonomy yet, so there are no labels to draw with.";
            }
            if (!Image.IsOpenForLabeling && !IsAdmin && Role != ProjectRole.Reviewer)
            {
                return Image.Status == ImageStatus.Accepted
                    ? "A reviewer accepted this image; it can no longer be changed by labelers."
                    : "A reviewer is reviewing this image; it can be changed again once it is sent back.";
            }
            return null;
        }
    }

    /// <summary>The owner of the caller's annotation set: nobody (shared) with overlap 1, the caller otherwise.</summary>
    public string? SetOwnerId => Overlap <= 1 ? null : UserId;

    /// <summary>
    /// Loads the context for <paramref name="imageId"/>, or null when the image does not exist or the caller is not in
    /// its project (the same answer for both).
    /// </summary>
    public static async Task<EditContext?> LoadAsync(AnnotatorDbContext db, PublishedTaxonomies taxonomies, ClaimsPrincipal user,
        int imageId, bool track, CancellationToken cancellationToken)
    {
        var userId = ProjectAccess.UserId(user);
        if (userId is null)
        {
            return null;
        }
        var images = track ? db.Images : db.Images.AsNoTracking();
        var image = await images.FirstOrDefaultAsync(i => i.Id == imageId, cancellationToken);
        if (image is null)
        {
            return null;
        }
        var project = await db.Projects.AsNoTracking().Where(p => p.Id == image.ProjectId)
            .Select(p => new
            {
                p.Name,
                p.Overlap,
                p.ArchivedAt,
                Role = p.Members.Where(m => m.UserId == userId).Select(m => (ProjectRole?)m.Role).FirstOrDefault(),
                UserName = db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .FirstAsync(cancellationToken);
        var isAdmin = user.IsInRole(AppRoles.Admin);
        if (!isAdmin && project.Role is null)
        {
            return null;
        }
        var taxonomy = await taxonomies.NewestAsync(db, image.ProjectId, cancellationToken);
        return new EditContext(image, userId, isAdmin, project.Role, project.Name, project.Overlap, project.ArchivedAt is not null,
            taxonomy?.Id, taxonomy?.Definition, taxonomy?.Number ?? 0, project.UserName ?? "");
    }

    /// <summary>The caller's annotation set on this image, or null when nothing has been drawn in it yet.</summary>
    public Task<AnnotationSet?> FindSetAsync(AnnotatorDbContext db, CancellationToken cancellationToken)
    {
        var owner = SetOwnerId;
        return db.AnnotationSets.FirstOrDefaultAsync(
            s => s.ImageId == Image.Id && s.Kind == AnnotationSetKind.Labeler && s.OwnerId == owner, cancellationToken);
    }
}
