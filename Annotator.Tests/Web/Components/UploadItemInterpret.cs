using System.Text.Json;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Api;
using Annotator.Web.Components.Shared;
using Annotator.Web.Images;

namespace Annotator.Tests.Web.Components;

/// <summary>How the upload list reads the server's answer for one uploaded file.</summary>
public sealed class UploadItemInterpret
{
    private static string Body(params IngestResult[] results) => JsonSerializer.Serialize(IngestResponse.From(results), ApiClient.Json);

    [Fact]
    public void AddedFileIsAdded()
    {
        var answer = UploadItem.Interpret(200, Body(new IngestResult("horse.png", IngestOutcome.Added, 4)));

        Assert.Equal((UploadState.Added, "Added", 1, 0, 0), answer);
    }

    [Fact]
    public void DuplicateCountsAsAlreadyThere()
    {
        var answer = UploadItem.Interpret(200, Body(new IngestResult("horse.png", IngestOutcome.Duplicate, 4)));

        Assert.Equal((UploadState.Added, "Already in the project", 0, 1, 0), answer);
    }

    [Fact]
    public void RefusedFileShowsTheServersReason()
    {
        var answer = UploadItem.Interpret(200, Body(IngestResult.Refused("script.svg", "SVG files are not accepted.")));

        Assert.Equal((UploadState.Refused, "SVG files are not accepted.", 0, 0, 1), answer);
    }

    [Fact]
    public void ArchiveSummarisesItsEntriesAndNamesTheRefusedOnes()
    {
        var (state, message, added, duplicates, refused) = UploadItem.Interpret(200, Body(
            new IngestResult("a/horse.png", IngestOutcome.Added, 1),
            new IngestResult("coins.png", IngestOutcome.Duplicate, 2),
            IngestResult.Refused("../evil.png", "The entry name contains '..'.")));

        Assert.Equal((UploadState.Added, 1, 1, 1), (state, added, duplicates, refused));
        Assert.StartsWith("Archive: 1 added, 1 already there, 1 refused", message);
        Assert.Contains("../evil.png: The entry name contains '..'.", message);
    }

    [Fact]
    public void ArchiveWithNothingUsableIsRefused()
    {
        var (state, _, added, _, refused) = UploadItem.Interpret(200, Body(
            IngestResult.Refused("a.png", "Empty."), IngestResult.Refused("b.png", "Empty.")));

        Assert.Equal((UploadState.Refused, 0, 2), (state, added, refused));
    }

    [Fact]
    public void ProblemDetailsGiveTheMessage()
    {
        var answer = UploadItem.Interpret(413, """{"title":"Too large","status":413,"detail":"The file is larger than 256 MiB."}""");

        Assert.Equal((UploadState.Refused, "The file is larger than 256 MiB.", 0, 0, 1), answer);
    }

    [Theory]
    [InlineData(500, "<html>oops</html>", "The server answered 500.")]
    [InlineData(403, "", "The server answered 403.")]
    [InlineData(0, "", "The connection to the server was lost.")]
    public void OtherFailuresAreRefusalsWithAReadableMessage(int status, string body, string message)
    {
        Assert.Equal((UploadState.Refused, message, 0, 0, 1), UploadItem.Interpret(status, body));
    }
}
