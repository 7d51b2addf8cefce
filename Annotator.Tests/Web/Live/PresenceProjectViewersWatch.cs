using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Collaboration;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Live;

/// <summary>The grid's live view of who views which image, in the real app on SQLite.</summary>
public sealed class PresenceProjectViewersWatch(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task ShowsOthersByImageLiveAndNothingOnceTheUserLosesAccess()
    {
        var app = fixture.App;
        var admin = await app.CreateUserAsync($"admin-{Guid.NewGuid():N}@example.com", AppRoles.Admin);
        var ann = await app.CreateUserAsync($"ann-{Guid.NewGuid():N}@example.com");
        var bob = await app.CreateUserAsync($"bob-{Guid.NewGuid():N}@example.com");
        var projectId = await app.CreateProjectAsync("Watched", admin.Id, (ann.Id, ProjectRole.Labeler), (bob.Id, ProjectRole.Labeler));
        var tracker = app.Services.GetRequiredService<PresenceTracker>();
        var feed = app.Services.GetRequiredService<IFeed>();
        var changes = 0;
        using var watch = new ProjectViewersWatch(tracker, feed, app.Services.GetRequiredService<ProjectAccess>(),
            TestPrincipals.For(bob, AppRoles.Labeler), projectId, () =>
            {
                Interlocked.Increment(ref changes);
                return Task.CompletedTask;
            });
        Assert.Empty(watch.ByImage);

        using var bobsTab = tracker.Join(new PresenceJoin(projectId, 41, null, bob.Id, bob.DisplayName), () => Task.CompletedTask);
        using var annsTab = tracker.Join(new PresenceJoin(projectId, 42, null, ann.Id, ann.DisplayName), () => Task.CompletedTask);
        // The watch reads the viewers, then tells the page: wait for both, the test may run between the two.
        await Eventually.TrueAsync(() => watch.ByImage.ContainsKey(42) && Volatile.Read(ref changes) > 0,
            "Ann on the tile of image 42, and the page told");
        Assert.Equal(ann.Id, Assert.Single(watch.ByImage[42]).UserId);
        // Bob's own tab is not shown to Bob.
        Assert.False(watch.ByImage.ContainsKey(41));

        await using (var db = await app.NewDbContextAsync())
        {
            var project = await db.Projects.Include(p => p.Members).SingleAsync(p => p.Id == projectId, TestContext.Current.CancellationToken);
            project.RemoveMember(bob.Id);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        await feed.PublishAsync(new FeedEnvelope(FeedTopics.Access, bob.Id, "{}"), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => watch.ByImage.Count == 0, "Bob to stop seeing viewers");

        using var later = tracker.Join(new PresenceJoin(projectId, 43, null, ann.Id, ann.DisplayName), () => Task.CompletedTask);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(watch.ByImage);
    }
}
