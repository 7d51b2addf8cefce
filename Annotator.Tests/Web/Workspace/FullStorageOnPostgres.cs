using Annotator.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Tests.Web.Workspace;

/// <summary>
/// PostgreSQL answering disk_full (SQLSTATE 53100, as when it cannot extend a file): the edit is refused as "storage is
/// full" and lands once the server can write again; out of memory (53200) is not taken for a full disk. The error comes
/// from the real server, raised by a trigger on the operation log for as long as the test needs it.
/// </summary>
public sealed class FullStorageOnPostgres(PostgresKestrelApp fixture) : IClassFixture<PostgresKestrelApp>
{
    private AnnotatorFactory App => fixture.App;

    private async Task RaiseOnLogInsertAsync(string? errorCode)
    {
        await using var db = await App.NewDbContextAsync();
        await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER IF EXISTS test_storage ON "OperationLog";""");
        if (errorCode is null)
        {
            return;
        }
        // The error code is one of two constants of this test, not input.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($$"""
            CREATE OR REPLACE FUNCTION test_storage() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '{{errorCode}}'; END $$;
            CREATE TRIGGER test_storage BEFORE INSERT ON "OperationLog" FOR EACH ROW EXECUTE FUNCTION test_storage();
            """);
#pragma warning restore EF1002
    }

    [Fact]
    public async Task DiskFullIsRefusedAsStorageFullAndTheEditLandsLater()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);
        var box = world.CreateBox();

        await RaiseOnLogInsertAsync("53100");
        System.Text.Json.JsonElement refused;
        try
        {
            refused = await ann.SubmitAsync(world.Image, box);
        }
        finally
        {
            await RaiseOnLogInsertAsync(null);
        }

        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.True(refused.GetProperty("storageFull").GetBoolean());
        Assert.Equal("The server's storage is full; your change was not saved.", refused.GetProperty("error").GetString());
        Assert.Equal(0, await world.LoggedOperationsAsync(world.Ann));
        await using (var db = await App.NewDbContextAsync())
        {
            Assert.Equal(0, await db.Regions.CountAsync(r => db.AnnotationSets.Any(s => s.Id == r.AnnotationSetId && s.ImageId == world.Image)));
        }
        var landed = await ann.SubmitAsync(world.Image, box);
        Assert.True(landed.GetProperty("ok").GetBoolean(), landed.ToString());
        Assert.Equal(1, landed.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task OutOfMemoryIsNotTakenForAFullDisk()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);

        await RaiseOnLogInsertAsync("53200");
        try
        {
            try
            {
                var answer = await ann.SubmitAsync(world.Image, world.CreateBox());
                Assert.False(answer.GetProperty("ok").GetBoolean());
                Assert.False(answer.TryGetProperty("storageFull", out _), answer.ToString());
            }
            catch (HubException)
            {
                // Refused as an error of the server: also not "storage full".
            }
        }
        finally
        {
            await RaiseOnLogInsertAsync(null);
        }
        Assert.Equal(0, await world.LoggedOperationsAsync(world.Ann));
    }
}
