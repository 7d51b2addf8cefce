using System.Globalization;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Images;
using Annotator.Web.Annotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vips = NetVips;

namespace Annotator.Tests.Web.Workspace;

/// <summary>The app on SQLite whose database can be made full (SQLITE_FULL, as on a full disk), with its log kept.</summary>
public sealed class FullStorageApp() : AppFixture(TestDatabase.Sqlite)
{
    /// <summary>Fills and frees the database.</summary>
    public SqliteStorageLimit Storage { get; } = new();

    /// <summary>What the app logged.</summary>
    public LogCapture Log { get; } = new();

    protected override void Configure(AnnotatorFactory factory)
    {
        factory.UseKestrelOnLoopback();
        Storage.On(factory);
        Log.On(factory);
    }
}

/// <summary>
/// A full disk: an edit is refused with "the server's storage is full", nothing of it is written, it is logged once as
/// a warning, and the same operation lands once space is freed; an upload says the storage is full.
/// </summary>
public sealed class FullStorage(FullStorageApp fixture) : IClassFixture<FullStorageApp>
{
    private AnnotatorFactory App => fixture.App;

    /// <summary>A polygon long enough to need new pages of the database (its geometry alone is about 20 KB).</summary>
    private static string LongPolygon(HubWorld world, Guid opId)
    {
        var points = string.Join(",", Enumerable.Range(0, 1500).Select(i =>
        {
            var angle = i * 2 * Math.PI / 1500;
            return string.Create(CultureInfo.InvariantCulture, $"{100 + 50 * Math.Cos(angle):F3},{100 + 50 * Math.Sin(angle):F3}");
        }));
        var label = world.Taxonomy.Labels.Single(l => l.Name == "animal").Id;
        return $$$"""{"opId":"{{{opId}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{label}}}","kind":"polygon","geometry":{"points":[{{{points}}}]},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""";
    }

    private async Task<(int Regions, int Log, long NextSequence)> StateAsync(int imageId)
    {
        await using var db = await App.NewDbContextAsync();
        var sets = db.AnnotationSets.Where(s => s.ImageId == imageId).Select(s => s.Id);
        return (await db.Regions.CountAsync(r => sets.Contains(r.AnnotationSetId)), await db.OperationLog.CountAsync(o => o.ImageId == imageId),
            (await db.Images.AsNoTracking().SingleAsync(i => i.Id == imageId)).NextSequence);
    }

    [Fact]
    public async Task ASubmitOnAFullDiskIsRefusedSavesNothingAndLandsOnceSpaceIsFreed()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);
        var first = await ann.SubmitAsync(world.Image, world.CreateBox());
        Assert.True(first.GetProperty("ok").GetBoolean(), first.ToString());
        var before = await StateAsync(world.Image);
        var opId = Guid.NewGuid();
        var polygon = LongPolygon(world, opId);

        fixture.Storage.Fill(App);
        var logged = fixture.Log.Entries.Count;
        System.Text.Json.JsonElement refused;
        try
        {
            refused = await ann.SubmitAsync(world.Image, polygon);
        }
        finally
        {
            fixture.Storage.Free();
        }

        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Equal("The server's storage is full; your change was not saved.", refused.GetProperty("error").GetString());
        Assert.True(refused.GetProperty("storageFull").GetBoolean());
        Assert.Equal(before, await StateAsync(world.Image));
        var warnings = fixture.Log.Entries.Where(e => e.Message.Contains(opId.ToString(), StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal((typeof(AnnotationService).FullName, LogLevel.Warning), (warning.Category, warning.Level));
        // Not one "fail:" line, from the app or EF Core: the operator sees one warning per refused edit.
        Assert.DoesNotContain(fixture.Log.Entries.Skip(logged), e => e.Level >= LogLevel.Error);

        // Space freed: the same operation (same id) is applied, next in sequence, nothing skipped.
        var landed = await ann.SubmitAsync(world.Image, polygon);
        Assert.True(landed.GetProperty("ok").GetBoolean(), landed.ToString());
        Assert.Equal(before.NextSequence, landed.GetProperty("sequence").GetInt64());
        Assert.Equal(first.GetProperty("sequence").GetInt64(), landed.GetProperty("prev").GetInt64());
    }

    [Fact]
    public async Task SigningInOnAFullDiskSaysTheStorageIsFull()
    {
        var world = await HubWorld.BuildAsync(App);
        string? answer = null;
        fixture.Storage.Fill(App);
        try
        {
            // Each sign-in stores its session (a row of a few KB); within a page's worth, one needs a page the full
            // database does not have.
            for (var attempt = 0; attempt < 40 && answer is null; attempt++)
            {
                using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = App.ServerAddress };
                var (status, error) = await Accounts.SignInAnswers.TrySignInAsync(http, world.Bob.Email!, AnnotatorFactory.Password);
                if (status != System.Net.HttpStatusCode.Redirect)
                {
                    Assert.Equal(System.Net.HttpStatusCode.OK, status);
                    answer = error;
                }
            }
        }
        finally
        {
            fixture.Storage.Free();
        }

        Assert.Equal(Annotator.Web.Components.Pages.Account.Login.StorageFullMessage, answer);
    }

    [Fact]
    public async Task AnUploadOnAFullDiskSaysTheStorageIsFull()
    {
        var world = await HubWorld.BuildAsync(App);
        var ingest = App.Services.GetRequiredService<ImageIngestService>();
        await using var db = await App.NewDbContextAsync();
        var imagesBefore = await db.Images.CountAsync(i => i.ProjectId == world.Project);

        fixture.Storage.Fill(App);
        IngestResult? refused = null;
        var added = 0;
        try
        {
            // Each new image row takes room in the images table's last page; within one page's worth of rows, one needs a
            // page the full database does not have.
            for (var shade = 1; shade < 200 && refused is null; shade++)
            {
                using var image = Vips.Image.Black(24, 24, bands: 3) + shade;
                using var stream = new MemoryStream(image.Cast(Vips.Enums.BandFormat.Uchar).PngsaveBuffer());
                var result = Assert.Single(await ingest.IngestUploadAsync(world.Project, world.Admin.Id, $"shade-{shade}.png", stream));
                if (result.Outcome == IngestOutcome.Refused)
                {
                    refused = result;
                }
                else
                {
                    added++;
                }
            }
        }
        finally
        {
            fixture.Storage.Free();
        }

        Assert.NotNull(refused);
        Assert.Equal("The server's storage is full; nothing was added. Try again once space is freed.", refused.Error);
        Assert.Equal(imagesBefore + added, await db.Images.CountAsync(i => i.ProjectId == world.Project));
    }
}
