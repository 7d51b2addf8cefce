using System.Collections.Concurrent;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Annotator.Tests.Web.Workspace;

/// <summary>
/// A commit that keeps colliding (PostgreSQL answering every attempt with a serialization failure, as it does to one
/// of two transactions that got in each other's way) is tried again and finally refused with the reason in words:
/// nothing is written, and the log gets one warning instead of an error per attempt.
/// </summary>
public sealed class AnnotationServiceCollisions
{
    [Fact]
    public async Task ACommitThatKeepsCollidingIsRefusedWithTheReasonAndOneWarning()
    {
        TestEnvironment.RequirePostgres();
        var logs = new Logs();
        await using var app = new AnnotatorFactory(TestDatabase.Postgres);
        var world = await HubWorld.BuildAsync(app);
        await using var node = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)
            .AddFilter<Logs>(typeof(AnnotationService).FullName, LogLevel.Debug)));
        await using (var db = await app.NewDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE FUNCTION collide() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '40001'; END $$;
                CREATE TRIGGER collide BEFORE INSERT ON "OperationLog" FOR EACH ROW EXECUTE FUNCTION collide();
                """);
        }

        var outcome = await node.Services.GetRequiredService<AnnotationService>()
            .ApplyJsonAsync(TestPrincipals.For(world.Ann, AppRoles.Labeler), world.Image, world.CreateBox());

        Assert.False(outcome.Ok);
        Assert.Equal("This image is being changed by others so fast that your edit could not be saved; try again.", outcome.Error);
        await using (var db = await app.NewDbContextAsync())
        {
            Assert.Equal(0, await db.OperationLog.CountAsync(o => o.ImageId == world.Image));
            Assert.Equal(0, await db.AnnotationSets.CountAsync(s => s.ImageId == world.Image));
            Assert.Equal(1, (await db.Images.SingleAsync(i => i.Id == world.Image)).NextSequence);
        }
        var own = logs.Entries.Where(e => e.Category == typeof(AnnotationService).FullName).ToList();
        Assert.Single(own, e => e.Level == LogLevel.Warning);
        Assert.DoesNotContain(own, e => e.Level >= LogLevel.Error);
        Assert.True(own.Count(e => e.Level == LogLevel.Debug) >= 2, "Each attempt that collided is logged at Debug.");
    }

    private sealed class Logs : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Logs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Entries.Enqueue((category, logLevel));
        }
    }
}
