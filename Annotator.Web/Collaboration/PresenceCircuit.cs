using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Annotator.Web.Collaboration;

/// <summary>
/// The presence of one Blazor circuit (scoped): the workspaces it has open join through here, so that when the
/// browser's connection drops they disappear for everyone at once, not when the retained circuit is finally disposed
/// minutes later, and come back when it reconnects.
/// </summary>
public sealed class PresenceCircuit(PresenceTracker tracker) : CircuitHandler
{
    private readonly Lock _gate = new();
    private readonly List<PresenceSession> _sessions = [];
    private bool _connected = true;

    /// <summary>Joins the tracker (see <see cref="PresenceTracker.Join"/>) for this circuit.</summary>
    public PresenceSession Join(PresenceJoin join, Func<Task> onChange)
    {
        var session = tracker.Join(join, onChange);
        lock (_gate)
        {
            _sessions.RemoveAll(s => s.IsDisposed);
            _sessions.Add(session);
            if (!_connected)
            {
                session.SetConnected(false);
            }
        }
        return session;
    }

    /// <inheritdoc />
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken) => SetConnected(false);

    /// <inheritdoc />
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) => SetConnected(true);

    private Task SetConnected(bool connected)
    {
        lock (_gate)
        {
            _connected = connected;
            _sessions.RemoveAll(s => s.IsDisposed);
            foreach (var session in _sessions)
            {
                session.SetConnected(connected);
            }
        }
        return Task.CompletedTask;
    }
}
