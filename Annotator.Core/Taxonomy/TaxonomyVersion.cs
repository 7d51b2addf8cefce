namespace Annotator.Core.Taxonomy;

/// <summary>
/// One version of a project's taxonomy. A draft can change; publishing freezes it for good. Regions record the
/// version they were made under.
/// </summary>
public sealed class TaxonomyVersion
{
    private TaxonomyVersion()
    {
        Document = "{}";
        ChangeNote = "";
        Migrations = "[]";
    }

    /// <summary>Starts a draft numbered <paramref name="number"/>.</summary>
    public TaxonomyVersion(int projectId, int number, TaxonomyDefinition definition, DateTime nowUtc)
    {
        ProjectId = projectId;
        Number = number;
        Document = Checked(definition).ToJson();
        ChangeNote = "";
        Migrations = "[]";
        CreatedAt = nowUtc;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>The project.</summary>
    public int ProjectId { get; private set; }

    /// <summary>1, 2, 3… per project.</summary>
    public int Number { get; private set; }

    /// <summary>The <see cref="TaxonomyDefinition"/> as JSON.</summary>
    public string Document { get; private set; }

    /// <summary>What changed, written by the admin who published.</summary>
    public string ChangeNote { get; private set; }

    /// <summary>When the draft was started (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>When it was published (UTC); null while a draft.</summary>
    public DateTime? PublishedAt { get; private set; }

    /// <summary>Who published it (user id); null while a draft, or for versions published by the system.</summary>
    public string? PublishedById { get; private set; }

    /// <summary>The <see cref="TaxonomyMigration"/>s publishing carries out, as JSON.</summary>
    public string Migrations { get; private set; }

    /// <summary>Bumped by every save of a draft, so two admins saving at once do not overwrite each other.</summary>
    public int Revision { get; private set; }

    /// <summary>Whether it is published and so immutable.</summary>
    public bool IsPublished => PublishedAt is not null;

    /// <summary>The content.</summary>
    public TaxonomyDefinition Definition => TaxonomyDefinition.FromJson(Document);

    /// <summary>The content with its migrations, as an editable draft.</summary>
    public TaxonomyDraft Draft => new(Definition, TaxonomyDraft.MigrationsFromJson(Migrations));

    /// <summary>Replaces the content of a draft.</summary>
    public void Edit(TaxonomyDefinition definition) => Edit(new TaxonomyDraft(definition, TaxonomyDraft.MigrationsFromJson(Migrations)));

    /// <summary>Replaces the content and the migrations of a draft.</summary>
    /// <exception cref="DomainException">It is published, or the content is not valid.</exception>
    public void Edit(TaxonomyDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (IsPublished)
        {
            throw new DomainException($"Taxonomy version {Number} is published and can no longer change.");
        }
        Document = Checked(draft.Definition).ToJson();
        Migrations = TaxonomyDraft.MigrationsToJson(draft.Migrations);
        Revision++;
    }

    /// <summary>Freezes the draft.</summary>
    public void Publish(string? changeNote, DateTime nowUtc, string? publishedById = null)
    {
        if (IsPublished)
        {
            throw new DomainException($"Taxonomy version {Number} is already published.");
        }
        ChangeNote = Guard.OptionalText(changeNote, "Change note", 2000);
        PublishedAt = nowUtc;
        PublishedById = publishedById;
    }

    private static TaxonomyDefinition Checked(TaxonomyDefinition definition)
    {
        var problems = definition.Validate();
        if (problems.Count > 0)
        {
            throw new DomainException(string.Join(" ", problems));
        }
        return definition;
    }
}
