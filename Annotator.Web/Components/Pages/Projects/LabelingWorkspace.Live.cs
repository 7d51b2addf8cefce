using System.Globalization;
using System.Text.Json;
using Annotator.Core.Annotations;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Annotator.Web.Taxonomy;
using Annotator.Web.Annotations;
using Microsoft.JSInterop;
using MudBlazor;

namespace Annotator.Web.Components.Pages.Projects;

/// <summary>
/// The workspace's live half: everyone's committed operations on this image's set arrive from the edit feed and go to
/// the canvas (which applies them in sequence order) and the side panel; a canvas that fell behind asks for a catch-up
/// or the whole state; a change of the user's access is noticed at once.
/// </summary>
public sealed partial class LabelingWorkspace
{
    /// <summary>How long a push to the browser may take before it is given up (the browser catches up by itself).</summary>
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(10);

    private static readonly string SignedOutJson = JsonSerializer.Serialize(new
    {
        ok = false,
        signedOut = true,
        error = "Your session has ended, so this change was not saved. Sign in again in another tab and reload this page: "
            + "your unsaved changes are kept in this tab and sent then.",
    });

    private IDisposable? _taxonomySubscription;
    private TaxonomyNotice? _taxonomyNotice;

    private void Subscribe(EditContext context)
    {
        _feedSubscription?.Dispose();
        _accessSubscription?.Dispose();
        _taxonomySubscription?.Dispose();
        var imageId = context.Image.Id;
        _taxonomySubscription = Feed.Subscribe(FeedTopics.Taxonomy, context.Image.ProjectId.ToString(CultureInfo.InvariantCulture),
            message => OnTaxonomyPublishedAsync(imageId, message.Payload));
        _feedSubscription = Feed.Subscribe(FeedTopics.Edit, FeedTopics.EditKey(imageId, context.SetOwnerId),
            message => OnCommittedAsync(imageId, message.Payload));
        _accessSubscription = Feed.Subscribe(FeedTopics.Access, context.UserId, message =>
            // A revoked API token concerns that token's programs, not the browser.
            AccessNotice.Parse(message.Payload) is { TokenId: null } notice ? OnAccessChangedAsync(imageId, notice.Reason) : Task.CompletedTask);
    }

    private Task OnCommittedAsync(int imageId, string json) => InvokeAsync(async () =>
    {
        if (imageId != _loadedImageId || CommittedOperation.Parse(json) is not { } message)
        {
            return;
        }
        Track(message);
        StateHasChanged();
        await PushAsync("receive", json);
    });

    /// <summary>
    /// An admin published a new taxonomy version: the palette, the panel and the canvas take the new labels at once
    /// (names, colours, hotkeys; deprecated ones leave the palette), the canvas catches up on the regions publishing
    /// relabeled, and the labeler is told what changed.
    /// </summary>
    private Task OnTaxonomyPublishedAsync(int imageId, string json) => InvokeAsync(async () =>
    {
        if (imageId != _loadedImageId || _snapshot is null || TaxonomyNotice.Parse(json) is not { } notice)
        {
            return;
        }
        var snapshot = await Annotations.LoadAsync(await UserAsync(), imageId);
        if (snapshot is null || imageId != _loadedImageId)
        {
            return;
        }
        _snapshot = snapshot;
        ShowInPanel(snapshot);
        var offered = snapshot.Context.Taxonomy?.Labels.Where(l => !l.Deprecated).ToList() ?? [];
        var labelGone = _labelId is null || offered.All(l => l.Id != _labelId);
        if (labelGone)
        {
            _labelId = offered.FirstOrDefault()?.Id;
        }
        _taxonomyNotice = notice;
        StateHasChanged();
        await PushAsync("setLabels", LabelsJson(snapshot.Context.Taxonomy));
        if (labelGone && _labelId is { } label)
        {
            await PushAsync("setLabel", label.ToString());
        }
    });

    /// <summary>Someone changed this user's role, membership or account: check again what they may do here.</summary>
    private Task OnAccessChangedAsync(int imageId, string reason) => InvokeAsync(async () =>
    {
        if (imageId != _loadedImageId || _snapshot is null)
        {
            return;
        }
        var user = await UserAsync();
        var snapshot = await Annotations.LoadAsync(user, imageId);
        var why = snapshot is null
            ? "You no longer have access to this project; your saved work is kept, but you cannot change anything here."
            : snapshot.Context.WhyReadOnly;
        var wasReadOnly = ReadOnly;
        if (snapshot is not null)
        {
            _snapshot = _snapshot with { Context = snapshot.Context };
        }
        else
        {
            // Out of the project: neither shown to the others nor shown them any more.
            _lostAccess = why;
            LeavePresence();
            await PushAsync("setPeers", "[]");
        }
        if (why is not null)
        {
            await PushAsync("setReadOnly", true);
            if (!wasReadOnly || snapshot is null)
            {
                Snackbar.Add(string.IsNullOrWhiteSpace(reason) ? why : $"{why} ({reason})", Severity.Warning);
            }
        }
        else if (wasReadOnly)
        {
            await PushAsync("setReadOnly", false);
            Snackbar.Add("You can edit this image again.", Severity.Info);
        }
        StateHasChanged();
    });

    private async Task<string> CatchUpAsync(int imageId, long afterSequence)
    {
        var user = await UserAsync();
        if (user.Identity?.IsAuthenticated != true)
        {
            return SignedOutJson;
        }
        var catchUp = imageId == _loadedImageId ? await Annotations.CatchUpAsync(user, imageId, afterSequence) : null;
        if (catchUp is null)
        {
            return new CatchUp(false, afterSequence, []).ToJson();
        }
        foreach (var message in catchUp.Messages)
        {
            Track(message);
        }
        StateHasChanged();
        return catchUp.ToJson();
    }

    /// <summary>The regions and answers now, with the sequence number they are at, for a canvas that has to start over.</summary>
    private async Task<string> SnapshotJsonAsync(int imageId)
    {
        var snapshot = imageId == _loadedImageId ? await Annotations.LoadAsync(await UserAsync(), imageId) : null;
        if (snapshot is null)
        {
            return "null";
        }
        ShowInPanel(snapshot);
        StateHasChanged();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("lastSequence", snapshot.LastSequence);
            json.WriteStartArray("regions");
            foreach (var region in snapshot.Regions)
            {
                json.WriteRawValue(OperationJson.SerializeRegion(region.Data, region.Revision), skipInputValidation: true);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Calls the canvas without waiting forever: while the connection is down a push cannot arrive, and need not — the
    /// canvas notices the gap in sequence numbers and catches up when it is back.
    /// </summary>
    private async Task PushAsync(string method, params object?[] args)
    {
        if (_canvas is null)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(PushTimeout);
        try
        {
            await _canvas.InvokeVoidAsync(method, timeout.Token, args);
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or OperationCanceledException or JSException
            or InvalidOperationException)
        {
            // The tab is gone or unreachable for now; it catches up when it is back.
        }
    }
}
