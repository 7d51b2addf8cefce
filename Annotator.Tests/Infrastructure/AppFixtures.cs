namespace Annotator.Tests.Infrastructure;

/// <summary>
/// One app per test class, on one database. The app starts on first use, so a class on a missing PostgreSQL is
/// skipped (locally) or failed (CI) test by test with the reason, instead of failing in its constructor.
/// </summary>
public abstract class AppFixture(TestDatabase database) : IAsyncDisposable
{
    private AnnotatorFactory? _factory;

    /// <summary>The running app.</summary>
    public AnnotatorFactory App
    {
        get
        {
            if (database == TestDatabase.Postgres)
            {
                TestEnvironment.RequirePostgres();
            }
            if (_factory is null)
            {
                _factory = new AnnotatorFactory(database);
                Configure(_factory);
                if (_factory.UsesKestrel)
                {
                    _ = _factory.ServerAddress;
                }
                else
                {
                    _ = _factory.Server;
                }
            }
            return _factory;
        }
    }

    /// <summary>Adjusts configuration before the app starts.</summary>
    protected virtual void Configure(AnnotatorFactory factory)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>The app on SQLite.</summary>
public sealed class SqliteApp() : AppFixture(TestDatabase.Sqlite);

/// <summary>The app on PostgreSQL.</summary>
public sealed class PostgresApp() : AppFixture(TestDatabase.Postgres);

/// <summary>The app on SQLite, served by Kestrel on 127.0.0.1 (for hub clients and browsers).</summary>
public sealed class SqliteKestrelApp() : AppFixture(TestDatabase.Sqlite)
{
    protected override void Configure(AnnotatorFactory factory) => factory.UseKestrelOnLoopback();
}

/// <summary>The app on PostgreSQL, served by Kestrel on 127.0.0.1 (for hub clients and browsers).</summary>
public sealed class PostgresKestrelApp() : AppFixture(TestDatabase.Postgres)
{
    protected override void Configure(AnnotatorFactory factory) => factory.UseKestrelOnLoopback();
}
