using System.Collections.Concurrent;
using System.Security.Cryptography;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Annotator.Web.Images;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// Seeds a test's world — users with roles, projects with members and a published taxonomy, images with their stored
/// files — straight through the app's own services and database context, for tests that are not about signing in or
/// uploading (those go through the real form and endpoint). Every builder of test data uses these, so a change to
/// what a row needs is made here once.
/// </summary>
public static class TestWorld
{
    // Identity's hash carries its own salt and iteration count, so one hash of the shared test password (made by the
    // app's own hasher) serves every user of every app in the run: seeding a user costs a few inserts, not a key derivation.
    private static string? _passwordHash;

    // Decoding a fixture (for its size and thumbnail) is libvips work; it is done once per file and run.
    private static readonly ConcurrentDictionary<string, Lazy<StoredFile>> Files = new();

    /// <summary>
    /// Creates an active user with an application role who can sign in with <see cref="AnnotatorFactory.Password"/>;
    /// the display name is the part of <paramref name="email"/> before the @.
    /// </summary>
    public static async Task<AppUser> CreateUserAsync(this AnnotatorFactory app, string email, string role = AppRoles.Labeler)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email.Split('@')[0], CreatedAt = DateTime.UtcNow };
        user.PasswordHash = _passwordHash ??= users.PasswordHasher.HashPassword(user, AnnotatorFactory.Password);
        var created = await users.CreateAsync(user);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user;
    }

    /// <summary>
    /// Creates a project owned by <paramref name="ownerId"/> with the given members and the demo taxonomy published as
    /// version 1.
    /// </summary>
    public static async Task<int> CreateProjectAsync(this AnnotatorFactory app, string name, string ownerId,
        params (string UserId, ProjectRole Role)[] members)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var db = await app.NewDbContextAsync();
        var project = new Project(name, "", ownerId, DateTime.UtcNow);
        foreach (var (userId, role) in members)
        {
            project.SetMember(userId, role);
        }
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        var taxonomy = new TaxonomyVersion(project.Id, 1, DemoTaxonomy.Create(), DateTime.UtcNow);
        taxonomy.Publish("Test taxonomy.", DateTime.UtcNow);
        db.TaxonomyVersions.Add(taxonomy);
        await db.SaveChangesAsync();
        return project.Id;
    }

    /// <summary>Makes <paramref name="userId"/> a member of the project with <paramref name="role"/>.</summary>
    public static async Task AddMemberAsync(this AnnotatorFactory app, int projectId, string userId, ProjectRole role)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var db = await app.NewDbContextAsync();
        (await db.Projects.Include(p => p.Members).SingleAsync(p => p.Id == projectId)).SetMember(userId, role);
        await db.SaveChangesAsync();
    }

    /// <summary>Sets how many labelers label each image of the project (blind, each their own set).</summary>
    public static async Task SetOverlapAsync(this AnnotatorFactory app, int projectId, int overlap)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var db = await app.NewDbContextAsync();
        (await db.Projects.SingleAsync(p => p.Id == projectId)).SetOverlap(overlap);
        await db.SaveChangesAsync();
    }

    /// <summary>The project's published taxonomy version 1 (as <see cref="CreateProjectAsync"/> made it).</summary>
    public static async Task<TaxonomyDefinition> PublishedTaxonomyAsync(this AnnotatorFactory app, int projectId)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var db = await app.NewDbContextAsync();
        return (await db.TaxonomyVersions.SingleAsync(t => t.ProjectId == projectId && t.Number == 1)).Definition;
    }

    /// <summary>
    /// Adds the image file at <paramref name="path"/> to the project as uploaded by <paramref name="uploaderId"/>, as an
    /// upload stores it (the file and its thumbnail in the app's store, the row) but without the upload's checks; the
    /// same file twice in one project gives the first one's id, as an upload does. For good, upright fixtures only:
    /// uploads themselves (EXIF turns, refusals) are tested through <see cref="ImageIngestService"/> and the endpoint.
    /// </summary>
    /// <returns>The image's id.</returns>
    public static async Task<int> AddImageAsync(this AnnotatorFactory app, int projectId, string uploaderId, string path, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var file = Files.GetOrAdd(Path.GetFullPath(path), full => new(() => Inspect(app, full))).Value;
        var store = app.Services.GetRequiredService<ImageStore>();
        Keep(store, store.BlobPath(file.Sha256), file.Bytes);
        Keep(store, store.ThumbnailPath(file.Sha256), file.Thumbnail);

        await using var db = await app.NewDbContextAsync();
        if (await db.Images.Where(i => i.ProjectId == projectId && i.Sha256 == file.Sha256).Select(i => (int?)i.Id).FirstOrDefaultAsync() is { } existing)
        {
            return existing;
        }
        var image = new Image(projectId, fileName ?? Path.GetFileName(path), file.Sha256, file.Sha256, file.Format, file.Bytes.Length,
            file.Width, file.Height, uploaderId, DateTime.UtcNow);
        db.Images.Add(image);
        // Waits for the app's own SQLite writers, as an edit does, instead of meeting them in SQLite's busy handler.
        using (await app.Services.GetRequiredService<SqliteWriteQueue>().EnterAsync(db.Database, CancellationToken.None))
        {
            await db.SaveChangesAsync();
        }
        return image.Id;
    }

    /// <summary>Adds several image files in the given order (ascending ids).</summary>
    public static async Task<int[]> AddImagesAsync(this AnnotatorFactory app, int projectId, string uploaderId, params string[] paths)
    {
        var ids = new int[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            ids[i] = await app.AddImageAsync(projectId, uploaderId, paths[i]);
        }
        return ids;
    }

    private sealed record StoredFile(byte[] Bytes, string Sha256, ImageFormat Format, int Width, int Height, byte[] Thumbnail);

    private static StoredFile Inspect(AnnotatorFactory app, string path)
    {
        var bytes = File.ReadAllBytes(path);
        var format = ImageFormats.Detect(bytes) ?? throw new ArgumentException($"{path} is not an image the app takes.", nameof(path));
        var inspected = app.Services.GetRequiredService<ImageInspector>().Inspect(path, format);
        if (inspected.DisplayFile is not null)
        {
            File.Delete(inspected.DisplayFile);
            throw new ArgumentException($"{path} is displayed turned (EXIF orientation): upload it through ImageIngestService instead.", nameof(path));
        }
        return new StoredFile(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), inspected.Format, inspected.Width, inspected.Height,
            inspected.Thumbnail);
    }

    /// <summary>Writes a store file unless it is there (the store is content-addressed: same name, same bytes).</summary>
    private static void Keep(ImageStore store, string destination, byte[] content)
    {
        if (File.Exists(destination))
        {
            return;
        }
        var temp = store.NewTempPath();
        File.WriteAllBytes(temp, content);
        ImageStore.Commit(temp, destination);
    }
}
