using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Annotator.Web.Feed;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Projects;

/// <summary>A project as listed: counts per status for its progress bar.</summary>
public sealed record ProjectSummary(int Id, string Name, string Description, bool IsArchived, int ImageCount, int DoneCount,
    IReadOnlyDictionary<ImageStatus, int> ByStatus)
{
    /// <summary>Share of images labeled, in review or accepted (0..1).</summary>
    public double Progress => ImageCount == 0 ? 0 : (double)DoneCount / ImageCount;
}

/// <summary>One tile of the image grid.</summary>
public sealed record ImageTile(int Id, string FileName, int Width, int Height, ImageStatus Status);

/// <summary>A page of the image grid.</summary>
public sealed record ImagePage(IReadOnlyList<ImageTile> Items, int Total, int Page, int PageSize)
{
    /// <summary>Number of pages.</summary>
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>A member as shown on the settings page.</summary>
public sealed record MemberView(string UserId, string Email, string DisplayName, ProjectRole Role);

/// <summary>Projects: listing, the grid, and the changes admins make. Every method checks the caller.</summary>
/// <remarks>
/// Changes that take access away or give it (membership, project role, archiving) are announced on the feed's access
/// topic, so open hub connections of the people concerned re-check at once.
/// </remarks>
public sealed class ProjectService(IDbContextFactory<AnnotatorDbContext> dbFactory, ProjectAccess access, TimeProvider clock, IFeed feed)
{
    /// <summary>Largest page of the image grid.</summary>
    public const int MaxPageSize = 200;

    private static readonly ImageStatus[] DoneStatuses = [ImageStatus.Labeled, ImageStatus.InReview, ImageStatus.Accepted];

    /// <summary>The projects the caller may see, with progress counts; archived ones only on request.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListAsync(ClaimsPrincipal user, bool includeArchived,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = ProjectAccess.Visible(db, user);
        if (!includeArchived)
        {
            query = query.Where(p => p.ArchivedAt == null);
        }
        var projects = await query.OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, p.Description, p.ArchivedAt })
            .ToListAsync(cancellationToken);
        var ids = projects.Select(p => p.Id).ToList();
        var counts = await db.Images.Where(i => ids.Contains(i.ProjectId))
            .GroupBy(i => new { i.ProjectId, i.Status })
            .Select(g => new { g.Key.ProjectId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. projects.Select(p =>
        {
            var byStatus = counts.Where(c => c.ProjectId == p.Id).ToDictionary(c => c.Status, c => c.Count);
            return new ProjectSummary(p.Id, p.Name, p.Description, p.ArchivedAt is not null, byStatus.Values.Sum(),
                byStatus.Where(kv => DoneStatuses.Contains(kv.Key)).Sum(kv => kv.Value), byStatus);
        })];
    }

    /// <summary>One project with its counts, or null when the caller may not see it.</summary>
    public async Task<ProjectSummary?> GetAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        if (await access.ForProjectAsync(user, projectId, cancellationToken) is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.Where(p => p.Id == projectId)
            .Select(p => new { p.Id, p.Name, p.Description, p.ArchivedAt }).FirstAsync(cancellationToken);
        var byStatus = await db.Images.Where(i => i.ProjectId == projectId).GroupBy(i => i.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Status, g => g.Count, cancellationToken);
        return new ProjectSummary(project.Id, project.Name, project.Description, project.ArchivedAt is not null,
            byStatus.Values.Sum(), byStatus.Where(kv => DoneStatuses.Contains(kv.Key)).Sum(kv => kv.Value), byStatus);
    }

    /// <summary>
    /// A page of the project's images, optionally of one status, in the project's order (<see cref="ImageOrder"/>: the
    /// order they were added). Uses the (project, status, id) index, so it stays fast at any project size.
    /// </summary>
    public async Task<ImagePage> ImagesAsync(ClaimsPrincipal user, int projectId, ImageStatus? status, int page, int pageSize,
        CancellationToken cancellationToken = default)
    {
        if (await access.ForProjectAsync(user, projectId, cancellationToken) is null)
        {
            return new ImagePage([], 0, 1, pageSize);
        }
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Images.Where(i => i.ProjectId == projectId);
        if (status is not null)
        {
            query = query.Where(i => i.Status == status);
        }
        var total = await query.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + pageSize - 1) / pageSize);
        page = Math.Clamp(page, 1, pages);
        var items = await query.InProjectOrder().Skip((page - 1) * pageSize).Take(pageSize)
            .Select(i => new ImageTile(i.Id, i.FileName, i.Width, i.Height, i.Status))
            .ToListAsync(cancellationToken);
        return new ImagePage(items, total, page, pageSize);
    }

    /// <summary>
    /// Where the image is in the project's order (<see cref="ImageOrder"/>, the grid's order, whatever its status filter):
    /// the images before and after it, for next/previous, and its position of how many, for the workspace's counter.
    /// </summary>
    public async Task<ImagePlace> PlaceAsync(int projectId, int imageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var images = db.Images.Where(i => i.ProjectId == projectId);
        var previous = await images.Where(i => i.Id < imageId).InReverseProjectOrder()
            .Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);
        var next = await images.Where(i => i.Id > imageId).InProjectOrder()
            .Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);
        var position = await images.CountAsync(i => i.Id <= imageId, cancellationToken);
        var total = await images.CountAsync(cancellationToken);
        return new ImagePlace(previous, next, position, total);
    }

    /// <summary>
    /// Creates a project (admins only); the creator becomes a reviewer of it. It starts with the taxonomy of
    /// <paramref name="template"/> (a <see cref="TaxonomyTemplates"/> key; the starter — person with the COCO
    /// skeleton, animal, vehicle — when null) published as version 1, so it can be labeled at once.
    /// </summary>
    /// <exception cref="DomainException">The name is missing or too long, or there is no such template; nothing is created.</exception>
    public async Task<int> CreateAsync(ClaimsPrincipal user, string name, string? description, string? template = null,
        CancellationToken cancellationToken = default)
    {
        var userId = RequireAdmin(user);
        var start = TaxonomyTemplates.Get(template);
        var project = new Project(name, description, userId, clock.GetUtcNow().UtcDateTime);
        project.SetMember(userId, ProjectRole.Reviewer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Projects.Add(project);
        await db.SaveChangesAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var taxonomy = new TaxonomyVersion(project.Id, 1, start.Create(), now);
        taxonomy.Publish(start.Key == TaxonomyTemplates.DefaultKey ? "Starter taxonomy." : $"Started from the '{start.Name}' template.", now);
        db.TaxonomyVersions.Add(taxonomy);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return project.Id;
    }

    /// <summary>Renames and re-describes a project (admins only).</summary>
    public Task UpdateAsync(ClaimsPrincipal user, int projectId, string name, string? description, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, projectId, p =>
        {
            p.Rename(name);
            p.Describe(description);
        }, cancellationToken);

    /// <summary>Archives or restores a project (admins only).</summary>
    public async Task SetArchivedAsync(ClaimsPrincipal user, int projectId, bool archived, CancellationToken cancellationToken = default)
    {
        var project = await ChangeAsync(user, projectId, p =>
        {
            if (archived)
            {
                p.Archive(clock.GetUtcNow().UtcDateTime);
            }
            else
            {
                p.Unarchive();
            }
        }, cancellationToken);
        var reason = archived
            ? $"The project '{project.Name}' was archived; its annotations can be viewed, not changed."
            : $"The project '{project.Name}' was restored; its annotations can be changed again.";
        foreach (var member in project.Members)
        {
            await feed.PublishAccessChangeAsync(member.UserId, reason, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Adds a member or changes their project role (admins only).</summary>
    public async Task SetMemberAsync(ClaimsPrincipal user, int projectId, string memberId, ProjectRole role, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.Users.AnyAsync(u => u.Id == memberId && u.DeactivatedAt == null, cancellationToken))
            {
                throw new DomainException("That user does not exist or is deactivated.");
            }
        }
        var project = await ChangeAsync(user, projectId, p => p.SetMember(memberId, role), cancellationToken);
        await feed.PublishAccessChangeAsync(memberId, $"Your role in the project '{project.Name}' is now {role}.",
            cancellationToken: cancellationToken);
    }

    /// <summary>Removes a member (admins only).</summary>
    public async Task RemoveMemberAsync(ClaimsPrincipal user, int projectId, string memberId, CancellationToken cancellationToken = default)
    {
        var project = await ChangeAsync(user, projectId, p => p.RemoveMember(memberId), cancellationToken);
        await feed.PublishAccessChangeAsync(memberId, $"You were removed from the project '{project.Name}'.",
            cancellationToken: cancellationToken);
    }

    /// <summary>The members of a project (admins only).</summary>
    public async Task<IReadOnlyList<MemberView>> MembersAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        RequireAdmin(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ProjectMembers.Where(m => m.ProjectId == projectId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.Email, u.DisplayName, m.Role })
            .OrderBy(m => m.DisplayName)
            .Select(m => new MemberView(m.Id, m.Email ?? "", m.DisplayName, m.Role))
            .ToListAsync(cancellationToken);
    }

    private async Task<Project> ChangeAsync(ClaimsPrincipal user, int projectId, Action<Project> change, CancellationToken cancellationToken)
    {
        RequireAdmin(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.Include(p => p.Members).FirstOrDefaultAsync(p => p.Id == projectId, cancellationToken)
            ?? throw new DomainException("The project does not exist.");
        change(project);
        await db.SaveChangesAsync(cancellationToken);
        return project;
    }

    private static string RequireAdmin(ClaimsPrincipal user)
    {
        if (!user.IsInRole(Core.Accounts.AppRoles.Admin) || ProjectAccess.UserId(user) is not { } id)
        {
            throw new UnauthorizedAccessException("Only admins may do this.");
        }
        return id;
    }
}
