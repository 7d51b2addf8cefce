namespace Annotator.Web.Annotations;

/// <summary>
/// Serialises the edits of one image within this process, so concurrent operations on an image queue up instead of
/// racing for its next sequence number (across nodes, on PostgreSQL, an edit also locks the image's row inside its
/// transaction, and the database's unique index still guards). Striped: a fixed set of
/// semaphores chosen by image id, so memory stays bounded however many images are edited.
/// </summary>
public sealed class ImageLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the image's stripe; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(int imageId, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)imageId % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
