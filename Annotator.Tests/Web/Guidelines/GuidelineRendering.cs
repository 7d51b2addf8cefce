using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Annotator.Web.Guidelines;

namespace Annotator.Tests.Web.Guidelines;

/// <summary>Guideline Markdown to HTML: what Markdown makes survives, nothing executable ever does.</summary>
public sealed partial class GuidelineRendering : IDisposable
{
    private const int Project = 7;
    private const string OwnAsset = "/projects/7/guideline-assets/0123456789abcdef0123456789abcdef.png";

    private static readonly HashSet<string> MarkdownElements =
    [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "del", "ins", "mark", "sub", "sup", "code",
        "pre", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "input",
    ];

    private readonly GuidelineRenderer _renderer = new();

    private string Render(string markdown, int project = Project) => _renderer.Render(markdown, project).Value;

    private static IElement Body(string html) => new HtmlParser().ParseDocument("<!doctype html><body>" + html).Body!;

    /// <summary>
    /// Nothing in <paramref name="html"/> can run: no tag of a forbidden element, no handler attribute, no script or
    /// data URL in any tag (the text may mention them all: a '&lt;' in text is escaped, so every '&lt;' here opens a
    /// real tag); and, parsed, only Markdown's elements with http, https or mailto links and this project's images.
    /// </summary>
    private static void AssertInert(string html)
    {
        foreach (Match tag in Tag().Matches(html))
        {
            // Quoted attribute values are data, whatever they say; the tag's own syntax is what is left.
            var bare = QuotedValue().Replace(tag.Value, "\"\"");
            Assert.DoesNotMatch(ForbiddenElement(), bare);
            Assert.DoesNotMatch(HandlerAttribute(), bare);
            Assert.DoesNotMatch(ScriptUrl(), tag.Value);
        }
        foreach (var element in Body(html).QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, MarkdownElements);
            Assert.All(element.Attributes, a => Assert.False(a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{element.LocalName} has {a.Name}"));
            if (element.GetAttribute("href") is { } href)
            {
                Assert.Matches("^(https?:|mailto:|/|#)", href);
            }
            if (element.LocalName == "img")
            {
                Assert.True(GuidelineRenderer.IsProjectAsset(element.GetAttribute("src"), Project), element.OuterHtml);
            }
        }
    }

    [Fact]
    public void RendersHeadingsListsEmphasisAndCode()
    {
        var html = Render("# Cars\n\n## Occlusion\n\n- one\n- two\n\n3. third\n4. fourth\n\n**bold** *slanted* ~~gone~~ `box`\n\n> quoted\n\n---\n\n```\ncode block\n```");
        var body = Body(html);

        Assert.Equal("Cars", body.QuerySelector("h1")?.TextContent);
        Assert.Equal("Occlusion", body.QuerySelector("h2")?.TextContent);
        Assert.Equal(["one", "two"], body.QuerySelectorAll("ul > li").Select(li => li.TextContent));
        Assert.Equal("3", body.QuerySelector("ol")?.GetAttribute("start"));
        Assert.Equal("bold", body.QuerySelector("strong")?.TextContent);
        Assert.Equal("slanted", body.QuerySelector("em")?.TextContent);
        Assert.Equal("gone", body.QuerySelector("del")?.TextContent);
        Assert.Equal("box", body.QuerySelector("p > code")?.TextContent);
        Assert.Equal("quoted", body.QuerySelector("blockquote")?.TextContent.Trim());
        Assert.NotNull(body.QuerySelector("hr"));
        Assert.Equal("code block\n", body.QuerySelector("pre > code")?.TextContent);
        AssertInert(html);
    }

    [Fact]
    public void RendersTablesWithAlignment()
    {
        var html = Render("| Label | Draw |\n|:--|:-:|\n| car | box |\n| person | polygon |");
        var table = Body(html).QuerySelector("table")!;

        Assert.Equal(["Label", "Draw"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["car", "box", "person", "polygon"], table.QuerySelectorAll("tbody td").Select(td => td.TextContent));
        Assert.Contains("text-align", table.QuerySelectorAll("th")[1].GetAttribute("style"));
        AssertInert(html);
    }

    [Fact]
    public void RendersTaskListsAsDisabledCheckboxes()
    {
        var html = Render("- [x] box the whole car\n- [ ] skip reflections");
        var boxes = Body(html).QuerySelectorAll("li input");

        Assert.Equal(2, boxes.Length);
        Assert.All(boxes, box => Assert.Equal("checkbox", box.GetAttribute("type")));
        Assert.All(boxes, box => Assert.True(box.HasAttribute("disabled")));
        Assert.True(boxes[0].HasAttribute("checked"));
        Assert.False(boxes[1].HasAttribute("checked"));
        AssertInert(html);
    }

    [Fact]
    public void LinksOpenInANewTabWithoutReferrerOrOpener()
    {
        var html = Render("See [the manual](https://example.com/manual \"Manual\"), https://example.com/auto and <mailto:team@example.com>.");
        var links = Body(html).QuerySelectorAll("a");

        Assert.Equal(["https://example.com/manual", "https://example.com/auto", "mailto:team@example.com"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal("Manual", links[0].GetAttribute("title"));
        Assert.All(links, a => Assert.Equal("noopener noreferrer nofollow", a.GetAttribute("rel")));
        Assert.All(links, a => Assert.Equal("_blank", a.GetAttribute("target")));
        AssertInert(html);
    }

    [Fact]
    public void KeepsImagesOfThisProjectsGuidelineAssets()
    {
        var html = Render($"![a parked car]({OwnAsset} \"Parked\")");
        var image = Body(html).QuerySelector("img")!;

        Assert.Equal(OwnAsset, image.GetAttribute("src"));
        Assert.Equal("a parked car", image.GetAttribute("alt"));
        Assert.Equal("Parked", image.GetAttribute("title"));
    }

    [Theory]
    [InlineData("![other project](/projects/8/guideline-assets/0123456789abcdef0123456789abcdef.png)")]
    [InlineData("![external](https://evil.example.com/track.png)")]
    [InlineData("![protocol relative](//evil.example.com/0123456789abcdef0123456789abcdef.png)")]
    [InlineData("![an image of the app](/images/12/file)")]
    [InlineData("![climbing](/projects/7/guideline-assets/../../8/guideline-assets/0123456789abcdef0123456789abcdef.png)")]
    [InlineData("![query](/projects/7/guideline-assets/0123456789abcdef0123456789abcdef.png?x=1)")]
    [InlineData("![data](data:image/png;base64,iVBORw0KGgo=)")]
    [InlineData("![script](javascript:alert(1))")]
    public void DropsImagesFromAnywhereElse(string markdown)
    {
        var html = Render(markdown);

        Assert.Empty(Body(html).QuerySelectorAll("img"));
        AssertInert(html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](&#106;avascript:alert(1))")]
    [InlineData("[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))")]
    [InlineData("[x](java&#x09;script:alert(1))")]
    [InlineData("[x](<javascript:alert(1)>)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<iframe src=\"https://evil.example.com\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<svg><script>alert(1)</script></svg>")]
    [InlineData("<a href=\"data:text/html,<script>alert(1)</script>\">x</a>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<style>body { display: none }</style>")]
    [InlineData("&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("&#60;img src=x onerror=alert(1)&#62;")]
    [InlineData("<details open ontoggle=alert(1)>")]
    [InlineData("<form action=\"https://evil.example.com\"><input name=x></form>")]
    [InlineData("<object data=\"x.swf\"></object><embed src=\"x.swf\">")]
    [InlineData("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")]
    [InlineData("[x](https://example.com \"\\\" onmouseover=\\\"alert(1)\")")]
    [InlineData("<!-- <img src=x onerror=alert(1)> -->")]
    public void HostileInputNeverYieldsExecutableMarkup(string markdown)
    {
        var html = Render(markdown);

        AssertInert(html);
    }

    [Fact]
    public void HtmlTypedIntoAGuidelineShowsAsText()
    {
        var html = Render("Never <script>alert(1)</script> and <b>bold</b>.");
        var paragraph = Body(html).QuerySelector("p")!;

        Assert.Equal("Never <script>alert(1)</script> and <b>bold</b>.", paragraph.TextContent);
        Assert.Empty(paragraph.Children);
    }

    [Fact]
    public void JavaScriptLinksLoseTheirTarget()
    {
        var html = Render("[click me](javascript:alert(1))");
        var link = Body(html).QuerySelector("a");

        Assert.Equal("click me", Body(html).TextContent.Trim());
        Assert.False(link?.HasAttribute("href") ?? false);
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<img src=\"/projects/7/guideline-assets/0123456789abcdef0123456789abcdef.png\" onerror=\"alert(1)\">")]
    [InlineData("<a href=\"data:text/html,<script>alert(1)</script>\">x</a>")]
    [InlineData("<a href=\"https://example.com\" onclick=\"alert(1)\" style=\"position:fixed\">x</a>")]
    [InlineData("<svg onload=alert(1)></svg><iframe srcdoc=\"<script>alert(1)</script>\"></iframe>")]
    [InlineData("<style>@import 'https://evil.example.com/x.css'</style><link rel=stylesheet href=x.css>")]
    [InlineData("<input type=text autofocus onfocus=alert(1)><input type=image src=x>")]
    [InlineData("<td style=\"background:url(javascript:alert(1))\">x</td>")]
    [InlineData("<p class=\"mud-overlay\" id=\"app\" data-x=\"1\">x</p>")]
    [InlineData("<base href=\"https://evil.example.com\"><meta http-equiv=refresh content=\"0;url=https://evil.example.com\">")]
    public void TheSanitizerAloneKeepsOnlyWhatMarkdownMakes(string html)
    {
        var clean = GuidelineRenderer.Sanitize(html, Project);

        AssertInert(clean);
        foreach (var element in Body(clean).QuerySelectorAll("*"))
        {
            Assert.False(element.HasAttribute("id") || element.HasAttribute("data-x"));
            Assert.True(element.GetAttribute("class") is null or "contains-task-list" or "task-list-item");
            Assert.DoesNotContain("url(", element.GetAttribute("style") ?? "");
        }
    }

    [Fact]
    public void TheSameTextInAnotherProjectLosesTheImage()
    {
        var markdown = $"Look: ![car]({OwnAsset})";

        Assert.Single(Body(Render(markdown)).QuerySelectorAll("img"));
        Assert.Empty(Body(Render(markdown, project: 8)).QuerySelectorAll("img"));
        Assert.Single(Body(Render(markdown)).QuerySelectorAll("img"));
    }

    [Fact]
    public void BlankTextRendersNothing()
    {
        Assert.Equal("", Render(""));
        Assert.Equal("", Render("  \n "));
        Assert.Equal("", _renderer.Render(null, Project).Value);
    }

    [Fact]
    public void InputNestedPastMarkdigsLimitShowsAsText()
    {
        var markdown = new string('>', 20_000) + " <script>alert(1)</script>";

        var html = Render(markdown);

        AssertInert(html);
        Assert.Equal(markdown, Body(html).TextContent);
    }

    [Theory]
    [InlineData("- ", 2_000)]
    [InlineData("[", 50_000)]
    [InlineData("*", 50_000)]
    [InlineData("![", 30_000)]
    [InlineData("| a ", 10_000)]
    public void PathologicalInputRendersWithoutFailing(string piece, int count)
    {
        AssertInert(Render(string.Concat(Enumerable.Repeat(piece, count)) + "x"));
    }

    public void Dispose() => _renderer.Dispose();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedValue();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^</?(script|iframe|frame|svg|style|object|embed|math|form|base|meta|link|details|textarea|button|select)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ForbiddenElement();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HandlerAttribute();

    [GeneratedRegex(@"(java|vb)script\s*:|data\s*:|srcdoc", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptUrl();
}
