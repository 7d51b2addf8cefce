using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Workspace;

/// <summary>
/// The edit path on SQLite, where one writer at a time is the rule: reading a workspace does not take the write lock,
/// commits do not wait for the disk flush (WAL, synchronous NORMAL) unless configured to, and every edit reports how
/// long each of its stages took.
/// </summary>
public sealed class SqliteEditPath(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private AnnotatorFactory App => fixture.App;
    private AnnotationService Service => App.Services.GetRequiredService<AnnotationService>();

    [Fact]
    public async Task ConnectionsUseWalWithSynchronousNormal()
    {
        await using var db = await App.NewDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(1L, (long?)await command.ExecuteScalarAsync()); // 1 = NORMAL, 2 = FULL
        command.CommandText = "PRAGMA busy_timeout;";
        Assert.Equal(10_000L, (long?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task SynchronousFullCanBeChosenAndAnUnknownValueIsRefusedByName()
    {
        await using (var full = new AnnotatorFactory().With("Annotator:Database:SqliteSynchronous", "Full"))
        {
            await using var db = await full.NewDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(2L, (long?)await command.ExecuteScalarAsync());
        }
        await using var wrong = new AnnotatorFactory().With("Annotator:Database:SqliteSynchronous", "Sometimes");
        var error = Assert.Throws<InvalidOperationException>(() => wrong.Services);
        Assert.Contains("SqliteSynchronous 'Sometimes'", error.Message);
    }

    [Fact]
    public async Task AWorkspaceOpensAndCatchesUpWhileAnotherConnectionIsWriting()
    {
        var world = await AnnotationServiceApply<SqliteApp>.BuildAsync(App);
        var id = Guid.NewGuid();
        Assert.True((await Service.ApplyJsonAsync(world.Labeler, world.Image, AnnotationServiceApply<SqliteApp>.CreateBox(world, id))).Ok);
        string connectionString;
        await using (var db = await App.NewDbContextAsync())
        {
            connectionString = db.Database.GetConnectionString()!;
        }

        // Another writer holds SQLite's write lock (an upload's insert, another node's commit…) for the whole time.
        await using var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync();
        await using var writing = writer.BeginTransaction(deferred: false);

        // Before: opening the image began an IMMEDIATE transaction, so it waited for the writer and failed with
        // "database is locked" after the busy timeout.
        var snapshot = await Service.LoadAsync(world.Labeler, world.Image);
        var catchUp = await Service.CatchUpAsync(world.Labeler, world.Image, 0);

        Assert.Equal(id, Assert.Single(snapshot!.Regions).Data.Id);
        Assert.Equal(1, snapshot.LastSequence);
        Assert.NotNull(catchUp);
        Assert.False(catchUp.Reload);
        Assert.Single(catchUp.Messages);
    }

    [Fact]
    public async Task EveryEditReportsItsStages()
    {
        var world = await AnnotationServiceApply<SqliteApp>.BuildAsync(App);
        var scope = App.Services.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EditMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            Assert.True(value >= 0);
            seen.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1);
        });
        listener.Start();

        var outcome = await Service.ApplyJsonAsync(world.Labeler, world.Image, AnnotationServiceApply<SqliteApp>.CreateBox(world, Guid.NewGuid()));

        Assert.True(outcome.Ok, outcome.Error);
        foreach (var stage in new[] { "lock_wait", "check", "writer_wait", "commit", "publish" })
        {
            Assert.True(seen.GetValueOrDefault("annotator.edit." + stage) >= 1, $"No {stage} measurement.");
        }
    }
}
