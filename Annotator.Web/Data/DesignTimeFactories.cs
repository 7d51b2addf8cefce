using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Annotator.Web.Data;

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAnnotatorDbContext>
{
    public SqliteAnnotatorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAnnotatorDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAnnotatorDbContext>
{
    public PostgresAnnotatorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAnnotatorDbContext>().UseNpgsql("Host=localhost;Database=annotator_design").Options);
}
