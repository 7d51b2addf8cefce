using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// A project for hub tests: an admin, two labelers (<see cref="Ann"/>, <see cref="Bob"/>) and an outsider, one image
/// (horse.png), the starter taxonomy, and the given overlap.
/// </summary>
public sealed record HubWorld(AnnotatorFactory App, AppUser Admin, AppUser Ann, AppUser Bob, AppUser Outsider, int Project, int Image,
    TaxonomyDefinition Taxonomy)
{
    /// <summary>Builds it on <paramref name="app"/>.</summary>
    public static async Task<HubWorld> BuildAsync(AnnotatorFactory app, int overlap = 1)
    {
        ArgumentNullException.ThrowIfNull(app);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await app.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var ann = await app.CreateUserAsync($"ann-{tag}@example.com");
        var bob = await app.CreateUserAsync($"bob-{tag}@example.com");
        var outsider = await app.CreateUserAsync($"outsider-{tag}@example.com");
        var project = await app.CreateProjectAsync("Hub " + tag, admin.Id, (admin.Id, ProjectRole.Reviewer), (ann.Id, ProjectRole.Labeler),
            (bob.Id, ProjectRole.Labeler));
        if (overlap != 1)
        {
            await app.SetOverlapAsync(project, overlap);
        }
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        var taxonomy = await app.PublishedTaxonomyAsync(project);
        return new HubWorld(app, admin, ann, bob, outsider, project, image, taxonomy);
    }

    /// <summary>The admin as a principal (for calling services as the admin).</summary>
    public System.Security.Claims.ClaimsPrincipal AdminPrincipal => TestPrincipals.For(Admin, AppRoles.Admin);

    /// <summary>A create-box operation (JSON) with the label <paramref name="label"/> of the starter taxonomy.</summary>
    public string CreateBox(Guid? regionId = null, double x = 10, double y = 20, string label = "animal", Guid? opId = null) =>
        $$$"""{"opId":"{{{opId ?? Guid.NewGuid()}}}","type":"create","region":{"id":"{{{regionId ?? Guid.NewGuid()}}}","labelId":"{{{Taxonomy.Labels.Single(l => l.Name == label).Id}}}","kind":"box","geometry":{"x":{{{x}}},"y":{{{y}}},"w":30,"h":40},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""";

    /// <summary>Operation-log entries of the image by <paramref name="author"/>.</summary>
    public async Task<int> LoggedOperationsAsync(AppUser author)
    {
        ArgumentNullException.ThrowIfNull(author);
        await using var db = await App.NewDbContextAsync();
        return await db.OperationLog.CountAsync(o => o.ImageId == Image && o.AuthorId == author.Id);
    }
}
