using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Projects;

/// <summary>What the caller may do in a project.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="IsAdmin">An application admin (sees and manages every project).</param>
/// <param name="Role">The caller's project role, if a member.</param>
/// <param name="IsArchived">Archived projects are read-only.</param>
public sealed record ProjectPermission(int ProjectId, bool IsAdmin, ProjectRole? Role, bool IsArchived)
{
    /// <summary>May add images: admins and the project's reviewers, while the project is not archived.</summary>
    public bool CanUpload => WhyCannotAddImages(fromServerFolder: false) is null;

    /// <summary>
    /// Why the caller may not add images (uploads: admins and the project's reviewers; server folders: admins only;
    /// never into an archived project), or null when they may.
    /// </summary>
    public string? WhyCannotAddImages(bool fromServerFolder)
    {
        if (fromServerFolder && !IsAdmin)
        {
            return "Only admins may import from a server folder.";
        }
        if (!IsAdmin && Role != ProjectRole.Reviewer)
        {
            return "Only admins and the project's reviewers may add images.";
        }
        return IsArchived ? "The project is archived; images cannot be added." : null;
    }

    /// <summary>May rename, describe, archive and change members: admins.</summary>
    public bool CanManage => IsAdmin;
}

/// <summary>
/// The one place that decides who sees which project. Everything that serves a project, an image or a thumbnail asks
/// here; a caller who may not see a project gets the same answer as for a project that does not exist.
/// </summary>
public sealed class ProjectAccess(IDbContextFactory<AnnotatorDbContext> dbFactory)
{
    /// <summary>The caller's permission in the project, or null when the project does not exist or the caller is not in it.</summary>
    public async Task<ProjectPermission?> ForProjectAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        var userId = UserId(user);
        if (userId is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.Where(p => p.Id == projectId)
            .Select(p => new { p.ArchivedAt, Role = p.Members.Where(m => m.UserId == userId).Select(m => (ProjectRole?)m.Role).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (project is null)
        {
            return null;
        }
        var isAdmin = user.IsInRole(AppRoles.Admin);
        if (!isAdmin && project.Role is null)
        {
            return null;
        }
        return new ProjectPermission(projectId, isAdmin, project.Role, project.ArchivedAt is not null);
    }

    /// <summary>The image if the caller may see its project, else null.</summary>
    public async Task<Image?> ImageAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default)
    {
        var userId = UserId(user);
        if (userId is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Images.AsNoTracking().Where(i => i.Id == imageId);
        if (!user.IsInRole(AppRoles.Admin))
        {
            query = query.Where(i => db.ProjectMembers.Any(m => m.ProjectId == i.ProjectId && m.UserId == userId));
        }
        return await query.FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The projects the caller may see: all for admins, their own for everyone else.</summary>
    public static IQueryable<Project> Visible(AnnotatorDbContext db, ClaimsPrincipal user)
    {
        if (user.IsInRole(AppRoles.Admin))
        {
            return db.Projects;
        }
        var userId = UserId(user) ?? "";
        return db.Projects.Where(p => p.Members.Any(m => m.UserId == userId));
    }

    /// <summary>The signed-in user's id.</summary>
    public static string? UserId(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null;
}
