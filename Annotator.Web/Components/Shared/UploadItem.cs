using System.Text.Json;
using Annotator.Web.Api;
using Annotator.Web.Images;

namespace Annotator.Web.Components.Shared;

/// <summary>A file as upload.js reports it.</summary>
public sealed record QueuedFile(int Index, string Name, long Size);

/// <summary>Where a file of an upload is.</summary>
public enum UploadState
{
    /// <summary>Queued in the browser.</summary>
    Waiting,

    /// <summary>Being sent.</summary>
    Sending,

    /// <summary>Added (or already there).</summary>
    Added,

    /// <summary>Refused; the message says why.</summary>
    Refused,
}

/// <summary>One row of the upload list.</summary>
public sealed class UploadItem(int index, string name, long size)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>The index upload.js gave the file.</summary>
    public int Index { get; } = index;

    /// <summary>File name.</summary>
    public string Name { get; } = name;

    /// <summary>Size in bytes.</summary>
    public long Size { get; } = size;

    /// <summary>Bytes sent so far.</summary>
    public long Sent { get; set; }

    /// <summary>Where the file is.</summary>
    public UploadState State { get; set; } = UploadState.Waiting;

    /// <summary>What to show beside the name.</summary>
    public string Message { get; set; } = "Waiting";

    /// <summary>Progress of this file, 0..100.</summary>
    public double Percent => Size == 0 ? 100 : Math.Min(100, Sent * 100d / Size);

    /// <summary>Reads the server's answer for one uploaded file (which may have been a .zip of many).</summary>
    public static (UploadState State, string Message, int Added, int Duplicates, int Refused) Interpret(int status, string body)
    {
        if (status == 200)
        {
            var response = JsonSerializer.Deserialize<IngestResponse>(body, Json);
            if (response is not null)
            {
                if (response.Results.Count == 1)
                {
                    var (state, message) = Describe(response.Results[0]);
                    return (state, message, response.Added, response.Duplicates, response.Refused);
                }
                var refusedNames = response.Results.Where(r => r.Outcome == IngestOutcome.Refused)
                    .Take(5).Select(r => $"{r.FileName}: {r.Error}");
                var text = $"Archive: {response.Added} added, {response.Duplicates} already there, {response.Refused} refused";
                if (response.Refused > 0)
                {
                    text += " — " + string.Join("; ", refusedNames);
                }
                return (response.Added + response.Duplicates > 0 ? UploadState.Added : UploadState.Refused, text,
                    response.Added, response.Duplicates, response.Refused);
            }
        }
        var detail = status == 0 ? "The connection to the server was lost." : ProblemDetail(body) ?? $"The server answered {status}.";
        return (UploadState.Refused, detail, 0, 0, 1);
    }

    /// <summary>The state and message of one file's result.</summary>
    public static (UploadState State, string Message) Describe(IngestResult result) => result.Outcome switch
    {
        IngestOutcome.Added => (UploadState.Added, "Added"),
        IngestOutcome.Duplicate => (UploadState.Added, "Already in the project"),
        _ => (UploadState.Refused, result.Error ?? "Refused"),
    };

    private static string? ProblemDetail(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
