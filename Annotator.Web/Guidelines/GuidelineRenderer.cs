using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Caching.Memory;

namespace Annotator.Web.Guidelines;

/// <summary>
/// Turns a guideline's Markdown into HTML that is safe to show to every member of the project. Two walls: Markdig
/// runs with raw HTML disabled (HTML typed into a guideline shows as text), and its output then goes through an
/// allow-list sanitizer that keeps only the elements and attributes Markdown itself produces, links to http, https and
/// mailto, and images served from this project's guideline assets. Results are cached by project and text.
/// </summary>
public sealed partial class GuidelineRenderer : IDisposable
{
    /// <summary>How many rendered guidelines are kept.</summary>
    public const int CacheEntries = 512;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    /// <summary>The attributes each allowed element may keep; anything else is removed.</summary>
    private static readonly Dictionary<string, string[]> AllowedByTag = new(StringComparer.OrdinalIgnoreCase)
    {
        ["p"] = [], ["h1"] = [], ["h2"] = [], ["h3"] = [], ["h4"] = [], ["h5"] = [], ["h6"] = [],
        ["ul"] = ["class"], ["ol"] = ["start"], ["li"] = ["class"],
        ["strong"] = [], ["em"] = [], ["del"] = [], ["ins"] = [], ["mark"] = [], ["sub"] = [], ["sup"] = [],
        ["code"] = [], ["pre"] = [], ["blockquote"] = [], ["hr"] = [], ["br"] = [],
        ["table"] = [], ["thead"] = [], ["tbody"] = [], ["tr"] = [], ["th"] = ["style"], ["td"] = ["style"],
        ["a"] = ["href", "title"],
        ["img"] = ["src", "alt", "title"],
        ["input"] = ["type", "disabled", "checked"],
    };

    private static readonly HtmlSanitizerOptions SanitizerOptions = BuildOptions();

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheEntries });

    /// <summary>
    /// The HTML of <paramref name="markdown"/> as shown in project <paramref name="projectId"/>: empty for null or
    /// blank text. Images other than the project's own guideline assets are dropped.
    /// </summary>
    public MarkupString Render(string? markdown, int projectId)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return new MarkupString("");
        }
        var key = (projectId, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(markdown))));
        if (_cache.TryGetValue(key, out string? cached))
        {
            return new MarkupString(cached!);
        }
        var html = Sanitize(ToHtml(markdown), projectId);
        _cache.Set(key, html, new MemoryCacheEntryOptions { Size = 1 });
        return new MarkupString(html);
    }

    private static string ToHtml(string markdown)
    {
        try
        {
            return Markdown.ToHtml(markdown, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses input nested past its depth limit (thousands of '>' or list markers). Nobody writes that
            // on purpose: show the text as it is rather than fail the page.
            return "<pre>" + System.Net.WebUtility.HtmlEncode(markdown) + "</pre>";
        }
    }

    /// <summary>
    /// The second wall, on its own: keeps only what Markdown produces, whatever <paramref name="html"/> holds. Public
    /// so that it can be tested with HTML that Markdig would never emit.
    /// </summary>
    public static string Sanitize(string html, int projectId)
    {
        // One sanitizer per call: the project decides which images stay, and the options are shared read-only.
        var sanitizer = new HtmlSanitizer(SanitizerOptions);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement element)
            {
                Restrict(element, projectId);
            }
        };
        return sanitizer.Sanitize(html);
    }

    /// <summary>Whether <paramref name="url"/> is one of this project's guideline assets (the only images shown).</summary>
    public static bool IsProjectAsset(string? url, int projectId)
    {
        if (url is null)
        {
            return false;
        }
        var match = AssetUrl().Match(url);
        return match.Success && match.Groups["project"].Value == projectId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Restrict(IElement element, int projectId)
    {
        if (!AllowedByTag.TryGetValue(element.LocalName, out var allowed))
        {
            // The sanitizer's tag list and this table agree; an element that is in neither cannot get here.
            element.Remove();
            return;
        }
        foreach (var attribute in element.Attributes.ToList())
        {
            if (!allowed.Contains(attribute.Name, StringComparer.OrdinalIgnoreCase))
            {
                element.RemoveAttribute(attribute.Name);
            }
        }
        switch (element.LocalName)
        {
            case "img" when !IsProjectAsset(element.GetAttribute("src"), projectId):
                element.Remove();
                break;
            case "input" when !string.Equals(element.GetAttribute("type"), "checkbox", StringComparison.OrdinalIgnoreCase):
                element.Remove();
                break;
            case "input":
                // Task list boxes show state; nobody ticks them.
                element.SetAttribute("disabled", "disabled");
                break;
            case "a" when element.HasAttribute("href"):
                element.SetAttribute("rel", "noopener noreferrer nofollow");
                element.SetAttribute("target", "_blank");
                break;
        }
    }

    private static HtmlSanitizerOptions BuildOptions()
    {
        var options = HtmlSanitizerOptions.Empty();
        foreach (var (tag, attributes) in AllowedByTag)
        {
            options.AllowedTags.Add(tag);
            foreach (var attribute in attributes)
            {
                options.AllowedAttributes.Add(attribute);
            }
        }
        options.AllowedSchemes.Add("http");
        options.AllowedSchemes.Add("https");
        options.AllowedSchemes.Add("mailto");
        options.UriAttributes.Add("href");
        options.UriAttributes.Add("src");
        // Pipe tables align columns with an inline style; nothing else may style anything.
        options.AllowedCssProperties.Add("text-align");
        options.AllowedClasses.Add("contains-task-list");
        options.AllowedClasses.Add("task-list-item");
        return options;
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    [GeneratedRegex(@"^/projects/(?<project>[0-9]{1,10})/guideline-assets/[0-9a-f]{32}\.(png|jpg|webp)$")]
    private static partial Regex AssetUrl();
}
