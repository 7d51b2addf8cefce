using System.Security.Claims;
using Annotator.Web.Projects;

using Annotator.Web.Feed;

namespace Annotator.Web.Collaboration;

/// <summary>
/// Who views which image of one project, kept up to date for one page (the project's image grid) until disposed. The
/// page must have checked that the user may see the project; when the user's access changes
/// (<see cref="FeedTopics.Access"/>) it is checked again, and a user who lost it stops getting viewers at once.
/// </summary>
public sealed class ProjectViewersWatch : IDisposable
{
    private static readonly IReadOnlyDictionary<int, IReadOnlyList<ImageViewer>> Nobody = new Dictionary<int, IReadOnlyList<ImageViewer>>();

    private readonly PresenceTracker _tracker;
    private readonly ProjectAccess _access;
    private readonly ClaimsPrincipal _user;
    private readonly string? _userId;
    private readonly Func<Task> _changed;
    private readonly IDisposable _accessWatch;
    private IDisposable? _presence;
    private volatile IReadOnlyDictionary<int, IReadOnlyList<ImageViewer>> _byImage = Nobody;

    /// <summary>
    /// Starts watching. <paramref name="changed"/> is called off the caller's thread after <see cref="ByImage"/>
    /// changed (a Blazor page marshals it with <c>InvokeAsync</c>).
    /// </summary>
    public ProjectViewersWatch(PresenceTracker tracker, IFeed feed, ProjectAccess access, ClaimsPrincipal user, int projectId,
        Func<Task> changed)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(feed);
        _tracker = tracker;
        _access = access;
        _user = user;
        _userId = ProjectAccess.UserId(user);
        _changed = changed;
        ProjectId = projectId;
        _presence = tracker.Subscribe(projectId, () =>
        {
            Read();
            return _changed();
        });
        _accessWatch = feed.Subscribe(FeedTopics.Access, _userId ?? "", _ => RecheckAccessAsync());
        Read();
    }

    /// <summary>The project.</summary>
    public int ProjectId { get; }

    /// <summary>The other users viewing each image (by image id), by name; the user's own tabs are left out.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<ImageViewer>> ByImage => _byImage;

    private void Read()
    {
        if (Volatile.Read(ref _presence) is null)
        {
            return;
        }
        _byImage = _tracker.Viewers(ProjectId).Where(v => v.UserId != _userId)
            .GroupBy(v => v.ImageId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ImageViewer>)g.ToList());
    }

    private async Task RecheckAccessAsync()
    {
        if (Volatile.Read(ref _presence) is null || await _access.ForProjectAsync(_user, ProjectId) is not null)
        {
            return;
        }
        Interlocked.Exchange(ref _presence, null)?.Dispose();
        _byImage = Nobody;
        await _changed();
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _presence, null)?.Dispose();
        _accessWatch.Dispose();
    }
}
