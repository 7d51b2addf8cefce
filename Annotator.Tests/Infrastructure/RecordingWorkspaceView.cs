using System.Collections.Concurrent;
using System.Text.Json;
using Annotator.Web.Workspace;

namespace Annotator.Tests.Infrastructure;

    /// <summary>
/// The workspace page as <see cref="WorkspaceSession"/> sees it, for tests of the session without a browser: a
/// one-at-a-time dispatcher (as a circuit's) and a canvas that records what it was sent.
/// </summary>
public sealed class RecordingWorkspaceView : IWorkspaceView
    {
        private readonly SemaphoreSlim _circuit = new(1, 1);

        public ConcurrentQueue<JsonElement> Received { get; } = new();
        public ConcurrentQueue<string> Labels { get; } = new();
        public int Changes;

        public async Task InvokeAsync(Func<Task> work)
        {
            await _circuit.WaitAsync();
            try
            {
                await work();
            }
            finally
            {
                _circuit.Release();
            }
        }

        public Task ReceiveAsync(string committedJson)
        {
            Received.Enqueue(JsonDocument.Parse(committedJson).RootElement.Clone());
            return Task.CompletedTask;
        }

        public Task SetLabelsAsync(string labelsJson)
        {
            Labels.Enqueue(labelsJson);
            return Task.CompletedTask;
        }

        public Task SetReadOnlyAsync(bool readOnly) => Task.CompletedTask;

        public Task SetPeersAsync(string peersJson) => Task.CompletedTask;

        public bool Got(Guid regionId, string type) =>
            Received.Any(m => m.GetProperty("type").GetString() == type && m.GetProperty("regionId").GetGuid() == regionId);
    }
