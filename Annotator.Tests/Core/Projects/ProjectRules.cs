using Annotator.Core;
using Annotator.Core.Projects;

namespace Annotator.Tests.Core.Projects;

public sealed class ProjectRules
{
    private static Project NewProject() => new("  Street scenes  ", " cars ", "creator", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void TrimsNameAndDescription()
    {
        var project = NewProject();
        Assert.Equal(("Street scenes", "cars"), (project.Name, project.Description));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void RefusesBlankName(string? name)
    {
        var error = Assert.Throws<DomainException>(() => NewProject().Rename(name!));
        Assert.Contains("name is required", error.Message);
    }

    [Fact]
    public void RefusesOverlongName() =>
        Assert.Throws<DomainException>(() => NewProject().Rename(new string('x', Project.MaxNameLength + 1)));

    [Fact]
    public void ArchiveKeepsTheFirstDateAndUnarchiveRestores()
    {
        var project = NewProject();
        var first = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        project.Archive(first);
        project.Archive(first.AddDays(3));
        Assert.Equal(first, project.ArchivedAt);
        project.Unarchive();
        Assert.False(project.IsArchived);
    }

    [Fact]
    public void SetMemberAddsOnceAndChangesRole()
    {
        var project = NewProject();
        project.SetMember("u1", ProjectRole.Labeler);
        project.SetMember("u1", ProjectRole.Reviewer);
        var member = Assert.Single(project.Members);
        Assert.Equal(ProjectRole.Reviewer, member.Role);
        Assert.True(project.RemoveMember("u1"));
        Assert.False(project.RemoveMember("u1"));
    }

    [Fact]
    public void RefusesUnknownProjectRole() =>
        Assert.Throws<DomainException>(() => NewProject().SetMember("u1", (ProjectRole)42));
}
