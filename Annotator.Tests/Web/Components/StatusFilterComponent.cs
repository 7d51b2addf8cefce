using Annotator.Core.Images;
using Annotator.Web.Components.Shared;
using Bunit;

namespace Annotator.Tests.Web.Components;

/// <summary>The status chips above the image grid.</summary>
public sealed class StatusFilterComponent : BunitContext
{
    private static readonly Dictionary<ImageStatus, int> Counts = new() { [ImageStatus.New] = 5, [ImageStatus.Labeled] = 3 };

    public StatusFilterComponent() => this.AddTestServices();

    private IRenderedComponent<StatusFilter> RenderFilter(ImageStatus? selected, Action<ImageStatus?> picked) =>
        Render<StatusFilter>(p => p
            .Add(f => f.Counts, Counts)
            .Add(f => f.Total, 8)
            .Add(f => f.Selected, selected)
            .Add(f => f.SelectedChanged, picked));

    [Fact]
    public void ShowsTheCountOfEveryStatus()
    {
        var cut = RenderFilter(null, _ => { });

        Assert.Contains("All · 8", cut.Find("[data-testid=status-all]").TextContent);
        Assert.Contains("New · 5", cut.Find("[data-testid=status-New]").TextContent);
        Assert.Contains("Labeled · 3", cut.Find("[data-testid=status-Labeled]").TextContent);
        Assert.Contains("In review · 0", cut.Find("[data-testid=status-InReview]").TextContent);
        Assert.Equal(1 + Enum.GetValues<ImageStatus>().Length, cut.FindAll("[data-testid^=status-]").Count);
    }

    [Fact]
    public void RaisesSelectedChangedWithTheClickedStatus()
    {
        var picked = new List<ImageStatus?>();
        var cut = RenderFilter(null, picked.Add);

        cut.Find("[data-testid=status-InReview]").Click();
        cut.Find("[data-testid=status-all]").Click();

        Assert.Equal([ImageStatus.InReview, null], picked);
    }

    [Fact]
    public void HighlightsOnlyTheSelectedStatus()
    {
        var cut = RenderFilter(ImageStatus.Labeled, _ => { });

        var highlighted = cut.FindAll("[data-testid^=status-]").Where(c => c.ClassList.Any(k => k.Contains("primary"))).ToList();

        Assert.Equal("status-Labeled", Assert.Single(highlighted).GetAttribute("data-testid"));
    }
}
