using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Web.Components.Labeling;
using Annotator.Web.Components.Shared;
using Annotator.Web.Workspace;
using Annotator.Web.Taxonomy;
using Bunit;

namespace Annotator.Tests.Web.Components;

/// <summary>What labelers see of taxonomy changes: flagged regions in the side panel and the relabeling queue.</summary>
public sealed class TaxonomyFlagsComponents : BunitContext
{
    public TaxonomyFlagsComponents() => this.AddTestServices();

    [Fact]
    public void RegionsOfASplitLabelAreFlaggedWithTheNewLabelsToChooseFrom()
    {
        var taxonomy = TaxonomyDraft.From(DemoTaxonomy.Create()).Definition;
        var split = TaxonomyDraft.From(taxonomy).Split(taxonomy.Labels.Single(l => l.Name == "vehicle").Id, [(Guid.NewGuid(), "car"), (Guid.NewGuid(), "truck")]).Definition;
        var label = split.Labels.Single(l => l.Name == "vehicle");
        var region = RegionItem.From(new RegionData(Guid.NewGuid(), label.Id, ShapeKind.Box, """{"x":1,"y":1,"w":5,"h":5}""", "{}", 0, false, false), 1, split);
        Assert.Equal(["'vehicle' was split: relabel it as 'car' or 'truck'."], region.Flags);

        var list = Render<RegionList>(p => p
            .Add(c => c.Regions, [region])
            .Add(c => c.Labels, split.Labels)
            .Add(c => c.Selected, new HashSet<Guid>()));
        Assert.Equal("'vehicle' was split: relabel it as 'car' or 'truck'.", list.Find("[data-testid=region-flag]").GetAttribute("title"));
    }

    [Fact]
    public void TheRelabelQueueListsImagesWithLinksAndStaysAwayWhenEmpty()
    {
        var queue = Render<RelabelQueue>(p => p
            .Add(c => c.ProjectId, 7)
            .Add(c => c.Items, [new RelabelItem(3, "<b>street</b>.jpg", 2, ["vehicle"]), new RelabelItem(4, "b.jpg", 1, ["vehicle"])]));
        Assert.Contains("3 regions on 2 images", queue.Find("[data-testid=relabel-queue]").TextContent);
        var link = queue.FindAll("[data-testid=relabel-item]")[0];
        Assert.Equal("/projects/7/images/3", link.GetAttribute("href"));
        Assert.Equal("<b>street</b>.jpg", link.TextContent);
        Assert.Empty(Render<RelabelQueue>(p => p.Add(c => c.ProjectId, 7).Add(c => c.Items, [])).Markup.Trim());
    }
}
