namespace Annotator.Core.Projects;

/// <summary>A labeling project: images, a taxonomy and the people who work on them.</summary>
public sealed class Project
{
    /// <summary>Longest allowed name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest allowed description.</summary>
    public const int MaxDescriptionLength = 4000;

    private readonly List<ProjectMember> _members = [];

    private Project()
    {
        Name = "";
        Description = "";
        CreatedById = "";
    }

    /// <summary>Creates a project.</summary>
    public Project(string name, string? description, string createdById, DateTime nowUtc)
    {
        Name = Guard.RequiredText(name, "Project name", MaxNameLength);
        Description = Guard.OptionalText(description, "Description", MaxDescriptionLength);
        CreatedById = createdById;
        CreatedAt = nowUtc;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>Shown everywhere the project is named.</summary>
    public string Name { get; private set; }

    /// <summary>Free text for the team: what the project is for.</summary>
    public string Description { get; private set; }

    /// <summary>Who created it.</summary>
    public string CreatedById { get; private set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>When it was archived (UTC); archived projects are read-only and hidden from default lists.</summary>
    public DateTime? ArchivedAt { get; private set; }

    /// <summary>Whether the project is archived.</summary>
    public bool IsArchived => ArchivedAt is not null;

    /// <summary>
    /// How many labelers label each image. With 1 everybody edits one shared set per image; with N each labeler has a
    /// private set (blind labeling) and reviewers build the consensus.
    /// </summary>
    public int Overlap { get; private set; } = 1;

    /// <summary>The people in the project.</summary>
    public IReadOnlyCollection<ProjectMember> Members => _members;

    /// <summary>Changes the name.</summary>
    public void Rename(string name) => Name = Guard.RequiredText(name, "Project name", MaxNameLength);

    /// <summary>Changes the description.</summary>
    public void Describe(string? description) =>
        Description = Guard.OptionalText(description, "Description", MaxDescriptionLength);

    /// <summary>Highest overlap a project may ask for.</summary>
    public const int MaxOverlap = 10;

    /// <summary>How many labelers label each image independently (1: one shared set, edited together).</summary>
    public void SetOverlap(int overlap)
    {
        if (overlap is < 1 or > MaxOverlap)
        {
            throw new DomainException($"Overlap must be between 1 and {MaxOverlap}; {overlap} was given.");
        }
        Overlap = overlap;
    }

    /// <summary>Archives the project. Archiving twice keeps the first date.</summary>
    public void Archive(DateTime nowUtc) => ArchivedAt ??= nowUtc;

    /// <summary>Brings an archived project back.</summary>
    public void Unarchive() => ArchivedAt = null;

    /// <summary>Adds a member or changes the role of an existing one.</summary>
    public ProjectMember SetMember(string userId, ProjectRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new DomainException($"Unknown project role {(int)role}.");
        }
        var existing = _members.FirstOrDefault(m => m.UserId == userId);
        if (existing is not null)
        {
            existing.ChangeRole(role);
            return existing;
        }
        var member = new ProjectMember(userId, role);
        _members.Add(member);
        return member;
    }

    /// <summary>Removes a member; returns whether there was one.</summary>
    public bool RemoveMember(string userId) => _members.RemoveAll(m => m.UserId == userId) > 0;
}
