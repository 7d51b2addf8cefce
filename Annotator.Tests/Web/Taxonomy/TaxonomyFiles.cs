using System.Net;
using System.Net.Http.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Core.Taxonomy.Interchange;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Api;
using Annotator.Web.Taxonomy;
using Annotator.Web.Annotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Taxonomy;

/// <summary>
/// Taxonomy files over HTTP on the real app: export for members, import into the draft for admins, with labels of the
/// same name keeping their ids (and annotations), used labels kept, and hostile files refused without touching anything.
/// </summary>
public sealed class TaxonomyFiles(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private AnnotatorFactory App => fixture.App;

    private sealed record World(ApiClient Admin, ApiClient Labeler, int Project, int Image, System.Security.Claims.ClaimsPrincipal LabelerPrincipal,
        System.Security.Claims.ClaimsPrincipal AdminPrincipal);

    private async Task<World> BuildAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var labeler = await App.CreateUserAsync($"labeler-{tag}@example.com", AppRoles.Labeler);
        var project = await App.CreateProjectAsync("Files " + tag, admin.Id, (labeler.Id, ProjectRole.Labeler));
        var image = await App.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        return new World(await ApiClient.SignInAsync(App, admin.Email!), await ApiClient.SignInAsync(App, labeler.Email!), project, image,
            TestPrincipals.For(labeler, AppRoles.Labeler), TestPrincipals.For(admin, AppRoles.Admin));
    }

    [Fact]
    public async Task MembersDownloadAnyVersionAsDocumentedJsonAndOthersGetNotFound()
    {
        var world = await BuildAsync();
        var response = await world.Labeler.Http.GetAsync($"/api/projects/{world.Project}/taxonomy?version=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var definition = TaxonomyJson.Import(await response.Content.ReadAsStringAsync());
        Assert.Equal(["person", "animal", "vehicle"], definition.Labels.Select(l => l.Name));
        Assert.Equal(HttpStatusCode.NotFound, (await world.Labeler.Http.GetAsync($"/api/projects/{world.Project}/taxonomy?version=9")).StatusCode);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var outsider = await App.CreateUserAsync($"outsider-{tag}@example.com", AppRoles.Labeler);
        using var stranger = await ApiClient.SignInAsync(App, outsider.Email!);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/projects/{world.Project}/taxonomy")).StatusCode);
    }

    [Fact]
    public async Task ImportingALabelStudioConfigKeepsTheIdsOfSameNamedLabelsAndTheLabelsInUse()
    {
        var world = await BuildAsync();
        var service = App.Services.GetRequiredService<TaxonomyService>();
        var before = (await service.LoadAsync(world.AdminPrincipal, world.Project))!.Working.Definition;
        var animal = before.Labels.Single(l => l.Name == "animal").Id;
        var annotations = App.Services.GetRequiredService<AnnotationService>();
        var created = await annotations.ApplyJsonAsync(world.LabelerPrincipal, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{animal}}}","kind":"box","geometry":{"x":10,"y":20,"w":30,"h":40},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""");
        Assert.True(created.Ok, created.Error);
        const string Config = """
            <View>
              <Image name="image" value="$image"/>
              <RectangleLabels name="label" toName="image">
                <Label value="Person" background="#ff0000" hotkey="p"/>
                <Label value="Bicycle" background="#00ff00" hotkey="4"/>
              </RectangleLabels>
            </View>
            """;

        var response = await world.Admin.ImportTaxonomyAsync(world.Project, Config, "labelstudio");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<TaxonomyImportResponse>(ApiClient.Json))!;
        Assert.Equal(2, result.Number);
        Assert.Contains("'animal' is not in the file but 1 region uses it: kept, deprecated.", result.Notes);
        Assert.Contains(result.Notes, n => n.Contains("'p'", StringComparison.Ordinal)); // a tool key, dropped with a note
        var draft = (await service.LoadAsync(world.AdminPrincipal, world.Project))!;
        Assert.Equal(result.Revision, draft.Draft!.Revision);
        var labels = draft.Working.Definition.Labels;
        Assert.Equal(before.Labels.Single(l => l.Name == "person").Id, labels.Single(l => l.Name == "Person").Id);
        Assert.True(labels.Single(l => l.Id == animal).Deprecated);
        Assert.DoesNotContain(labels, l => l.Name == "vehicle");
        Assert.Equal("4", labels.Single(l => l.Name == "Bicycle").Hotkey);
        // The draft publishes: the person label keeps its annotations, animal's region is flagged.
        var published = await service.PublishAsync(world.AdminPrincipal, world.Project, "Imported from Label Studio", result.Revision);
        Assert.Equal(2, published.Number);
    }

    [Fact]
    public async Task AnImportKeepsThePendingMergeOfALabelTheFileLacksAndPublishingStillRelabels()
    {
        var world = await BuildAsync();
        var service = App.Services.GetRequiredService<TaxonomyService>();
        var state = (await service.LoadAsync(world.AdminPrincipal, world.Project))!;
        var labels = state.Working.Definition.Labels;
        var vehicle = labels.Single(l => l.Name == "vehicle").Id;
        var person = labels.Single(l => l.Name == "person").Id;
        var region = Guid.NewGuid();
        var created = await App.Services.GetRequiredService<AnnotationService>().ApplyJsonAsync(world.LabelerPrincipal, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{region}}}","labelId":"{{{vehicle}}}","kind":"box","geometry":{"x":10,"y":20,"w":30,"h":40},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""");
        Assert.True(created.Ok, created.Error);
        var merged = state.Working.Merge(vehicle, person, []);
        await service.SaveDraftAsync(world.AdminPrincipal, world.Project, merged, null);
        const string WithoutVehicle = """
            <View>
              <Image name="image" value="$image"/>
              <RectangleLabels name="label" toName="image">
                <Label value="person" background="#ff0000"/>
                <Label value="animal" background="#00ff00"/>
              </RectangleLabels>
            </View>
            """;
        // Version 1 as our JSON has 'vehicle' under its id: it comes back as itself, so its merge goes.
        var version1 = await world.Admin.Http.GetStringAsync($"/api/projects/{world.Project}/taxonomy?version=1");
        var dropped = await service.ImportAsync(world.AdminPrincipal, world.Project, merged, TaxonomyFormat.Annotator, version1);
        Assert.Empty(dropped.Draft.Migrations);
        Assert.Contains("The pending merge of 'vehicle' into 'person' is dropped: the file has 'vehicle'.", dropped.Notes);
        Assert.Contains(dropped.Draft.Definition.Labels, l => l.Id == vehicle);

        var response = await world.Admin.ImportTaxonomyAsync(world.Project, WithoutVehicle, "labelstudio");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<TaxonomyImportResponse>(ApiClient.Json))!;
        Assert.Contains("The pending merge of 'vehicle' into 'person' is kept.", result.Notes);
        var draft = (await service.LoadAsync(world.AdminPrincipal, world.Project))!.Working;
        var merge = Assert.IsType<MergeLabels>(Assert.Single(draft.Migrations));
        Assert.Equal((vehicle, person), (merge.From, merge.Into));

        var published = await service.PublishAsync(world.AdminPrincipal, world.Project, "Imported over a merge", result.Revision);
        Assert.Equal(1, published.Regions);
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(person, await db.Regions.Where(r => r.Id == region).Select(r => r.LabelId).SingleAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ACvatLabelFileWithASkeletonImports()
    {
        var world = await BuildAsync();
        var response = await world.Admin.ImportTaxonomyAsync(world.Project, await File.ReadAllTextAsync(Fixtures.PathOf("taxonomy/cvat-labels.json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = (await App.Services.GetRequiredService<TaxonomyService>().LoadAsync(world.AdminPrincipal, world.Project))!;
        Assert.Contains(state.Working.Definition.Labels, l => l.Skeleton is { Points.Count: > 0 });
    }

    [Theory]
    [InlineData("taxonomy/xxe.xml", "DOCTYPE")]
    [InlineData("taxonomy/billion-laughs.xml", "DOCTYPE")]
    [InlineData("taxonomy/deep-nesting.xml", "deeper")]
    [InlineData("taxonomy/malformed.xml", "not well-formed")]
    [InlineData("taxonomy/deep.json", "")]
    [InlineData("taxonomy/wrong-shape.json", "")]
    public async Task HostileOrMalformedFilesAreRefusedWithTheReasonAndChangeNothing(string file, string reason)
    {
        var world = await BuildAsync();
        var response = await world.Admin.ImportTaxonomyAsync(world.Project, await File.ReadAllTextAsync(Fixtures.PathOf(file)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal); // nothing of /etc/passwd
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(1, await db.TaxonomyVersions.CountAsync(v => v.ProjectId == world.Project));
    }

    [Fact]
    public async Task OnlyAdminsWithAnAntiforgeryTokenImportAndHugeFilesAreRefused()
    {
        var world = await BuildAsync();
        const string Json = """{"format":"annotator.taxonomy","version":1,"taxonomy":{"labels":[]}}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Labeler.ImportTaxonomyAsync(world.Project, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await world.Admin.ImportTaxonomyAsync(world.Project, Json, withToken: false)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await world.Admin.ImportTaxonomyAsync(world.Project, Json, format: "yaml")).StatusCode);
        var huge = await world.Admin.ImportTaxonomyAsync(world.Project, "[" + new string(' ', InterchangeLimits.MaxTaxonomyJsonCharacters + 10) + "]");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(1, await db.TaxonomyVersions.CountAsync(v => v.ProjectId == world.Project));
    }
}
