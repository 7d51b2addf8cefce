using Annotator.Core.Accounts;
using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Data;

/// <summary>
/// The database. Each provider has a subclass with its own migrations under Data/Migrations/{Sqlite,Postgres}.
/// </summary>
/// <remarks>
/// Add a migration to both providers after changing the model:
/// <code>
/// dotnet ef migrations add NAME -p Annotator.Web -c SqliteAnnotatorDbContext -o Data/Migrations/Sqlite
/// dotnet ef migrations add NAME -p Annotator.Web -c PostgresAnnotatorDbContext -o Data/Migrations/Postgres
/// </code>
/// </remarks>
public abstract class AnnotatorDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<Image> Images => Set<Image>();
    public DbSet<ImageSkip> ImageSkips => Set<ImageSkip>();
    public DbSet<AnnotationSet> AnnotationSets => Set<AnnotationSet>();
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<ImageAnswer> ImageAnswers => Set<ImageAnswer>();
    public DbSet<OperationLogEntry> OperationLog => Set<OperationLogEntry>();
    public DbSet<TaxonomyVersion> TaxonomyVersions => Set<TaxonomyVersion>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AnnotatorDbContext).Assembly);
    }
}

/// <summary>SQLite (the default).</summary>
public sealed class SqliteAnnotatorDbContext(DbContextOptions<SqliteAnnotatorDbContext> options) : AnnotatorDbContext(options);

/// <summary>PostgreSQL.</summary>
public sealed class PostgresAnnotatorDbContext(DbContextOptions<PostgresAnnotatorDbContext> options) : AnnotatorDbContext(options);
