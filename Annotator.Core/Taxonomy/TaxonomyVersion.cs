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
    }

    /// <summary>Starts a draft numbered <paramref name="number"/>.</summary>
    public TaxonomyVersion(int projectId, int number, TaxonomyDefinition definition, DateTime nowUtc)
    {
        ProjectId = projectId;
        Number = number;
        Document = Checked(definition).ToJson();
        ChangeNote = "";
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

    /// <summary>Whether it is published and so immutable.</summary>
    public bool IsPublished => PublishedAt is not null;

    /// <summary>The content.</summary>
    public TaxonomyDefinition Definition => TaxonomyDefinition.FromJson(Document);

    /// <summary>Replaces the content of a draft.</summary>
    public void Edit(TaxonomyDefinition definition)
    {
        if (IsPublished)
        {
            throw new DomainException($"Taxonomy version {Number} is published and can no longer change.");
        }
        Document = Checked(definition).ToJson();
    }

    /// <summary>Freezes the draft.</summary>
    public void Publish(string? changeNote, DateTime nowUtc)
    {
        if (IsPublished)
        {
            throw new DomainException($"Taxonomy version {Number} is already published.");
        }
        ChangeNote = Guard.OptionalText(changeNote, "Change note", 2000);
        PublishedAt = nowUtc;
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
