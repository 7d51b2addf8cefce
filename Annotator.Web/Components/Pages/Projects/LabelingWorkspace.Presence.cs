using System.Text.Json;
using Annotator.Web.Data;
using Annotator.Web.Collaboration;
using Annotator.Web.Annotations;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;

namespace Annotator.Web.Components.Pages.Projects;

/// <summary>
/// Presence in the workspace: the page joins the <see cref="PresenceTracker"/> for the image it has loaded (the
/// snapshot load is the authorization), shows who else is on the image in the top bar, and passes the peers of its
/// annotation set (pointers, selections) to the canvas, which draws them and reports this user's pointer back.
/// </summary>
public sealed partial class LabelingWorkspace
{
    private static readonly JsonSerializerOptions PeerJson = new(JsonSerializerDefaults.Web);

    private PresenceSession? _presence;
    private DotNetObjectReference<PresenceBridge>? _presenceBridge;
    private IReadOnlyList<ImageViewer> _presenceViewers = [];
    private string? _displayName;
    private int _presencePushQueued;

    [Inject] private PresenceCircuit Presence { get; set; } = default!;
    [Inject] private IDbContextFactory<AnnotatorDbContext> DbFactory { get; set; } = default!;
    [Inject] private ILogger<LabelingWorkspace> Logger { get; set; } = default!;

    /// <summary>Joins for the snapshot just loaded (which authorized the caller), leaving the image open before.</summary>
    private async Task JoinPresenceAsync(WorkspaceSnapshot snapshot)
    {
        LeavePresence();
        if (_displayName is null)
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            _displayName = await db.Users.Where(u => u.Id == snapshot.Context.UserId).Select(u => u.DisplayName).FirstOrDefaultAsync()
                ?? "Someone";
        }
        _presence = Presence.Join(PresenceJoin.From(snapshot.Context, _displayName), OnPresenceChangedAsync);
        _presenceViewers = _presence.ImageViewers();
    }

    /// <summary>Leaves the image (the page closes, or moves to another image or to one it may not see).</summary>
    private void LeavePresence()
    {
        _presence?.Dispose();
        _presence = null;
        _presenceBridge?.Dispose();
        _presenceBridge = null;
        _presenceViewers = [];
    }

    /// <summary>A new canvas is up: it reports the pointer through a bridge bound to this image's session, and gets the peers.</summary>
    private async Task AttachPresenceAsync()
    {
        if (_presence is null)
        {
            return;
        }
        _presenceBridge?.Dispose();
        _presenceBridge = DotNetObjectReference.Create(new PresenceBridge(this, _presence));
        await CallAsync("attachPresence", _presenceBridge);
        await PushPresenceAsync();
    }

    /// <summary>Called by the tracker off the circuit; several changes in a row make one update of the page.</summary>
    private async Task OnPresenceChangedAsync()
    {
        if (Interlocked.Exchange(ref _presencePushQueued, 1) == 1)
        {
            return;
        }
        try
        {
            await InvokeAsync(async () =>
            {
                Volatile.Write(ref _presencePushQueued, 0);
                await PushPresenceAsync();
            });
        }
        catch (Exception e)
        {
            // Presence is a courtesy: a failed update of someone's pointer must not end this user's workspace (as
            // DispatchExceptionAsync would, by ending the circuit). The next change tries again.
            Volatile.Write(ref _presencePushQueued, 0);
            Logger.LogDebug(e, "Could not show presence on the workspace of image {ImageId}.", _loadedImageId);
        }
    }

    private async Task PushPresenceAsync()
    {
        if (_presence is not { } session)
        {
            return;
        }
        var viewers = session.ImageViewers();
        if (!viewers.SequenceEqual(_presenceViewers))
        {
            // Only a change of who is here re-renders the page; pointers go to the canvas alone.
            _presenceViewers = viewers;
            StateHasChanged();
        }
        await CallAsync("setPeers", JsonSerializer.Serialize(session.Peers(), PeerJson));
    }

    /// <summary>The selection changed (canvas or panel): the others in this set see it.</summary>
    private void ShareSelection() => _presence?.Select(_selected);

    private Task MoveCursorAsync(PresenceSession session, PresencePoint? cursor)
    {
        if (session == _presence && _snapshot is { } snapshot)
        {
            var image = snapshot.Context.Image;
            // Anything off the image (or not a number) counts as "not over the image".
            var over = cursor is { } p && p.X >= 0 && p.Y >= 0 && p.X <= image.Width && p.Y <= image.Height;
            session.MoveCursor(over ? cursor : null);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// What the canvas may tell about presence: the pointer, in image px. One per canvas and session, so a canvas of an
    /// image already left cannot move a pointer on the next one.
    /// </summary>
    public sealed class PresenceBridge(LabelingWorkspace page, PresenceSession session)
    {
        /// <summary>The pointer is at (x, y) on the image (throttled by the canvas to 10 a second; the server drops more).</summary>
        [JSInvokable]
        public Task Cursor(double x, double y) => page.MoveCursorAsync(session, new PresencePoint(x, y));

        /// <summary>The pointer left the image.</summary>
        [JSInvokable]
        public Task CursorLeft() => page.MoveCursorAsync(session, null);
    }
}
