using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Annotator.Core.Images;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Images;

/// <summary>
/// Takes files into a project: recognises them by content, decodes and checks them, stores them by content hash,
/// makes thumbnails and records the image. A file that is refused leaves no row and no file behind, and never stops
/// the rest of its batch.
/// </summary>
public sealed class ImageIngestService(
    IDbContextFactory<AnnotatorDbContext> dbFactory,
    ImageStore store,
    ImageInspector inspector,
    IOptions<AnnotatorOptions> options,
    IOptions<ImageOptions> imageOptions,
    TimeProvider clock,
    ILogger<ImageIngestService> logger)
{
    private static readonly byte[] ZipSignature = [(byte)'P', (byte)'K', 3, 4];

    private readonly ImageOptions _limits = imageOptions.Value;

    private long _spooledBytes;

    // SQLite lets one connection write at a time, and Microsoft.Data.Sqlite answers a busy database by sleeping 150 ms
    // before it retries: concurrent uploads spent most of their time in those sleeps, with the cores idle. Queueing
    // our own inserts here costs the few milliseconds one commit takes instead. PostgreSQL takes concurrent inserts.
    private readonly SemaphoreSlim? _sqliteWriter = options.Value.Database.IsPostgres ? null : new SemaphoreSlim(1, 1);

    /// <summary>How many files are decoded at once in archives and folder imports.</summary>
    public static int Parallelism => Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Ingests one uploaded file. A .zip archive (recognised by content) is expanded and each entry ingested; any
    /// other file must be an image. Returns one result per image file.
    /// </summary>
    public Task<IReadOnlyList<IngestResult>> IngestUploadAsync(int projectId, string userId, string fileName,
        Stream content, CancellationToken cancellationToken = default) =>
        IngestUploadAsync(projectId, userId, fileName, content, NewInflateBudget(), cancellationToken);

    /// <summary>
    /// Ingests one file of an upload request whose archives share <paramref name="budget"/>: together they may expand
    /// to at most <see cref="ImageOptions.ZipInflateRatio"/> times their size plus
    /// <see cref="ImageOptions.ZipInflateAllowanceBytes"/>.
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> IngestUploadAsync(int projectId, string userId, string fileName,
        Stream content, InflateBudget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        // An archive may be as large as the request; anything else must be an image from its first bytes on, and is
        // refused before it is written anywhere otherwise.
        var spooled = await SpoolAsync(content, fileName, head => head.Span.StartsWith(ZipSignature)
            ? new SpoolRule(_limits.MaxRequestBytes, null)
            : ImageRule(head.Span), budget: null, cancellationToken);
        if (spooled.Error is not null)
        {
            return [IngestResult.Refused(fileName, spooled.Error)];
        }
        if (spooled.Head.AsSpan().StartsWith(ZipSignature))
        {
            try
            {
                budget.AddArchive(spooled.Length);
                return await IngestZipAsync(projectId, userId, fileName, spooled.Path!, budget, cancellationToken);
            }
            finally
            {
                ImageStore.DeleteQuietly(spooled.Path);
            }
        }
        return [await IngestSpooledAsync(projectId, userId, fileName, spooled, cancellationToken)];
    }

    /// <summary>A new expansion budget for the archives of one upload request.</summary>
    public InflateBudget NewInflateBudget() => new(_limits.ZipInflateRatio, _limits.ZipInflateAllowanceBytes);

    /// <summary>
    /// Bytes written to the store's temporary folder since the app started: uploads, archive entries and imported files
    /// as they are spooled (diagnostics, and tests that check an archive was not expanded to disk).
    /// </summary>
    public long SpooledBytes => Interlocked.Read(ref _spooledBytes);

    /// <summary>
    /// Imports every file under <paramref name="relativeFolder"/> of the configured import root (recursively).
    /// The folder must stay inside the root: absolute paths, <c>..</c> and symbolic links that lead out are refused.
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> ImportFolderAsync(int projectId, string userId, string? relativeFolder,
        CancellationToken cancellationToken = default)
    {
        var folder = ServerFolder.Resolve(_limits.ImportRoot, relativeFolder);
        var files = ServerFolder.ImageCandidates(folder.Root, folder.Path);
        return await IngestManyAsync(projectId, userId, FromFiles(files, folder.Root, cancellationToken), cancellationToken);
    }

    private async IAsyncEnumerable<Spooled> FromFiles(IEnumerable<string> files, string root,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(root, file);
            var info = new FileInfo(file);
            if (info.Length > _limits.MaxFileBytes)
            {
                yield return Spooled.Failed(name, TooBig());
                continue;
            }
            Spooled spooled;
            try
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
                spooled = await SpoolAsync(stream, name, head => ImageRule(head.Span), budget: null, cancellationToken);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Reading {File} for a folder import failed.", file);
                spooled = Spooled.Failed(name, "The server could not read this file (it may be locked, or the disk failed).");
            }
            catch (UnauthorizedAccessException)
            {
                spooled = Spooled.Failed(name, "The server may not read this file.");
            }
            yield return spooled;
        }
    }

    private async Task<IReadOnlyList<IngestResult>> IngestZipAsync(int projectId, string userId, string zipName, string zipPath,
        InflateBudget budget, CancellationToken cancellationToken)
    {
        ZipArchive archive;
        try
        {
            archive = await ZipArchive.CreateAsync(File.OpenRead(zipPath), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return [IngestResult.Refused(zipName, "The archive is damaged or incomplete: its table of contents cannot be read.")];
        }
        await using (archive)
        {
            if (archive.Entries.Count > _limits.MaxZipEntries)
            {
                return [IngestResult.Refused(zipName, $"The archive has {archive.Entries.Count:N0} entries; at most {_limits.MaxZipEntries:N0} are read.")];
            }
            return await IngestManyAsync(projectId, userId, FromZip(zipName, archive, budget, cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// The archive's entries, one at a time: each is refused from its first bytes unless they start an image, and
    /// inflating stops for good once the request's expansion budget is spent (the rest is refused in one result).
    /// </summary>
    private async IAsyncEnumerable<Spooled> FromZip(string zipName, ZipArchive archive, InflateBudget budget,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entries = archive.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.FullName.EndsWith('/') || IsMacResourceFork(entry.FullName))
            {
                continue;
            }
            if (!ZipEntryNames.IsSafe(entry.FullName))
            {
                yield return Spooled.Failed(entry.FullName, "The archive entry's path is absolute or climbs out of the archive with '..'; refused.");
                continue;
            }
            if (entry.Length > _limits.MaxFileBytes)
            {
                yield return Spooled.Failed(entry.FullName, TooBig());
                continue;
            }
            Spooled spooled;
            try
            {
                await using var stream = await entry.OpenAsync(cancellationToken);
                spooled = await SpoolAsync(stream, entry.FullName, head => ImageRule(head.Span), budget, cancellationToken);
            }
            catch (InvalidDataException)
            {
                spooled = Spooled.Failed(entry.FullName, "The archive entry is damaged: its compressed data cannot be unpacked.");
            }
            yield return spooled;
            if (spooled.OverBudget)
            {
                var rest = entries.Skip(i + 1).Count(e => !e.FullName.EndsWith('/') && !IsMacResourceFork(e.FullName));
                if (rest > 0)
                {
                    yield return Spooled.Failed(zipName,
                        $"{rest:N0} more {(rest == 1 ? "entry was" : "entries were")} not read: the archive expands to more than the upload allows.");
                }
                yield break;
            }
        }
    }

    private static bool IsMacResourceFork(string name) =>
        name.StartsWith("__MACOSX/", StringComparison.Ordinal) || Path.GetFileName(name).StartsWith("._", StringComparison.Ordinal);

    private async Task<IReadOnlyList<IngestResult>> IngestManyAsync(int projectId, string userId, IAsyncEnumerable<Spooled> files,
        CancellationToken cancellationToken)
    {
        var results = new List<(long Order, IngestResult Result)>();
        long order = 0;
        var numbered = Numbered(files, () => order++);
        await Parallel.ForEachAsync(numbered, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var result = item.File.Error is not null
                    ? IngestResult.Refused(item.File.Name, item.File.Error)
                    : await IngestSpooledAsync(projectId, userId, item.File.Name, item.File, ct);
                lock (results)
                {
                    results.Add((item.Order, result));
                }
            });
        return [.. results.OrderBy(r => r.Order).Select(r => r.Result)];
    }

    private static async IAsyncEnumerable<(long Order, Spooled File)> Numbered(IAsyncEnumerable<Spooled> files, Func<long> next)
    {
        await foreach (var file in files)
        {
            yield return (next(), file);
        }
    }

    private async Task<IngestResult> IngestSpooledAsync(int projectId, string userId, string fileName, Spooled file,
        CancellationToken cancellationToken)
    {
        var created = new List<string>();
        string? displayTemp = null;
        try
        {
            var format = ImageFormats.Detect(file.Head);
            if (format is null)
            {
                return IngestResult.Refused(fileName, NotAnImage(file.Head));
            }
            // One context for the whole file: it holds no connection between its two short visits to the database.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            Task<int?> ExistingIdAsync(CancellationToken ct) => db.Images
                .Where(i => i.ProjectId == projectId && i.Sha256 == file.Sha256)
                .Select(i => (int?)i.Id).FirstOrDefaultAsync(ct);
            if (await ExistingIdAsync(cancellationToken) is { } existing)
            {
                return new IngestResult(fileName, IngestOutcome.Duplicate, existing);
            }

            // libvips work is CPU-bound and synchronous: keep it off the request's async flow.
            var inspected = await Task.Run(() => inspector.Inspect(file.Path!, format.Value), cancellationToken);
            displayTemp = inspected.DisplayFile;
            var displaySha = file.Sha256;
            if (displayTemp is not null)
            {
                displaySha = await HashFileAsync(displayTemp, cancellationToken);
                var displayPath = store.BlobPath(displaySha);
                if (ImageStore.Commit(displayTemp, displayPath))
                {
                    created.Add(displayPath);
                }
                displayTemp = null;
            }
            var originalPath = store.BlobPath(file.Sha256);
            if (ImageStore.Commit(file.Path!, originalPath))
            {
                created.Add(originalPath);
            }
            var thumbPath = store.ThumbnailPath(displaySha);
            if (!File.Exists(thumbPath))
            {
                var thumbTemp = store.NewTempPath();
                await File.WriteAllBytesAsync(thumbTemp, inspected.Thumbnail, cancellationToken);
                if (ImageStore.Commit(thumbTemp, thumbPath))
                {
                    created.Add(thumbPath);
                }
            }

            var image = new Image(projectId, fileName, file.Sha256, displaySha, inspected.Format, file.Length,
                inspected.Width, inspected.Height, userId, clock.GetUtcNow().UtcDateTime);
            db.Images.Add(image);
            try
            {
                await SaveChangesAsync(db, cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same file arrived twice at once; the other copy won.
                db.ChangeTracker.Clear();
                if (await ExistingIdAsync(CancellationToken.None) is not { } other)
                {
                    throw;
                }
                await RemoveUnreferencedAsync(created);
                return new IngestResult(fileName, IngestOutcome.Duplicate, other);
            }
            return new IngestResult(fileName, IngestOutcome.Added, image.Id);
        }
        catch (ImageRejectedException e)
        {
            await RemoveUnreferencedAsync(created);
            return IngestResult.Refused(fileName, e.Message);
        }
        catch (Exception e) when (StorageFull.Is(e))
        {
            logger.LogWarning("Ingest of {File} stopped: the storage is full ({Error}).", fileName, e.GetBaseException().Message);
            await RemoveUnreferencedAsync(created);
            return IngestResult.Refused(fileName, "The server's storage is full; nothing was added. Try again once space is freed.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Ingest of {File} failed.", fileName);
            await RemoveUnreferencedAsync(created);
            return IngestResult.Refused(fileName, "The server could not store this file; nothing was added. Try again.");
        }
        finally
        {
            ImageStore.DeleteQuietly(file.Path);
            ImageStore.DeleteQuietly(displayTemp);
        }
    }

    private async Task SaveChangesAsync(AnnotatorDbContext db, CancellationToken cancellationToken)
    {
        if (_sqliteWriter is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        await _sqliteWriter.WaitAsync(cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _sqliteWriter.Release();
        }
    }

    /// <summary>Deletes files this ingest created, unless an image row (of any project) now refers to them.</summary>
    private async Task RemoveUnreferencedAsync(List<string> created)
    {
        if (created.Count == 0)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        foreach (var path in created)
        {
            var hash = Path.GetFileNameWithoutExtension(path);
            var used = await db.Images.AnyAsync(i => i.Sha256 == hash || i.DisplaySha256 == hash);
            if (!used)
            {
                ImageStore.DeleteQuietly(path);
            }
        }
    }

    /// <summary>How many first bytes are kept to recognise a file (WebP needs 12).</summary>
    private const int HeadLength = 16;

    /// <summary>
    /// Copies a stream to a temporary file in the store, hashing it and keeping its first bytes. Nothing is written
    /// until <paramref name="rule"/> has seen the first bytes: it refuses the file at once or sets its size limit.
    /// Bytes read count against <paramref name="budget"/> (archive entries); when it runs out, the file is refused
    /// with <see cref="Spooled.OverBudget"/> set.
    /// </summary>
    private async Task<Spooled> SpoolAsync(Stream content, string name, Func<ReadOnlyMemory<byte>, SpoolRule> rule,
        InflateBudget? budget, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var filled = 0;
        int read;
        // Only the first bytes: an archive entry that is refused from them is inflated no further.
        while (filled < HeadLength && (read = await content.ReadAsync(buffer.AsMemory(filled, HeadLength - filled), cancellationToken)) > 0)
        {
            filled += read;
        }
        if (budget is not null && !budget.TryTake(filled))
        {
            return Spooled.OverLimit(name, OverBudget(budget));
        }
        var head = buffer[..Math.Min(filled, HeadLength)];
        var (limit, refusal) = rule(head);
        if (refusal is not null)
        {
            return Spooled.Failed(name, refusal);
        }
        if (filled > limit)
        {
            return Spooled.Failed(name, TooBig(limit));
        }

        var path = store.NewTempPath();
        long length = filled;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                read = filled;
                do
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    Interlocked.Add(ref _spooledBytes, read);
                    read = await content.ReadAsync(buffer, cancellationToken);
                    length += read;
                    if (budget is not null && !budget.TryTake(read))
                    {
                        ImageStore.DeleteQuietly(path);
                        return Spooled.OverLimit(name, OverBudget(budget));
                    }
                    if (length > limit)
                    {
                        ImageStore.DeleteQuietly(path);
                        return Spooled.Failed(name, TooBig(limit));
                    }
                }
                while (read > 0);
            }
            return new Spooled(name, path, head, Convert.ToHexStringLower(hash.GetHashAndReset()), length, null);
        }
        catch
        {
            ImageStore.DeleteQuietly(path);
            throw;
        }
    }

    /// <summary>Images (by their first bytes) up to the file size limit; anything else is refused before it is stored.</summary>
    private SpoolRule ImageRule(ReadOnlySpan<byte> head) => ImageFormats.Detect(head) is null
        ? new SpoolRule(0, NotAnImage(head))
        : new SpoolRule(_limits.MaxFileBytes, null);

    private static string NotAnImage(ReadOnlySpan<byte> head) => $"Not a JPEG, PNG, WebP or TIFF image: {ImageFormats.Describe(head)}.";

    private static string OverBudget(InflateBudget budget) =>
        $"The archive expands to more than {budget.Allowed / (1024d * 1024):N0} MiB, the limit for this upload " +
        "(a few times its own size); it was not unpacked further.";

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private string TooBig(long? limit = null) =>
        $"The file is larger than the limit of {(limit ?? _limits.MaxFileBytes) / (1024d * 1024):N0} MiB.";

    /// <summary>The size limit of a file, or why it is refused, decided from its first bytes.</summary>
    private readonly record struct SpoolRule(long Limit, string? Refusal);

    /// <summary>A file copied to the store's temporary folder, or the reason it could not be.</summary>
    private sealed record Spooled(string Name, string? Path, byte[] Head, string Sha256, long Length, string? Error, bool OverBudget = false)
    {
        public static Spooled Failed(string name, string error) => new(name, null, [], "", 0, error);

        /// <summary>Refused because the archive's expansion budget ran out: nothing more of it is read.</summary>
        public static Spooled OverLimit(string name, string error) => new(name, null, [], "", 0, error, OverBudget: true);
    }
}
