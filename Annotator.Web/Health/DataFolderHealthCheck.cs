using System.Globalization;
using Annotator.Web.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Health;

/// <summary>
/// The data folder (database file, image store, keys) takes a new file, and its file system has at least
/// <see cref="HealthOptions.MinFreeBytes"/> free: less is degraded (edits are refused once it is full), unwritable is
/// unhealthy.
/// </summary>
internal sealed class DataFolderHealthCheck(IOptions<AnnotatorOptions> options, IOptions<HealthOptions> health,
    ILogger<DataFolderHealthCheck> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var folder = options.Value.DataFullPath;
        try
        {
            var probe = Path.Combine(folder, $".health-{Guid.NewGuid():N}");
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Health check: the data folder {Folder} cannot be written.", folder);
            return Task.FromResult(HealthCheckResult.Unhealthy(StorageFull.Is(e)
                ? "The data folder is full: nothing can be written."
                : "The data folder cannot be written."));
        }
        var free = new DriveInfo(folder).AvailableFreeSpace;
        var minimum = health.Value.MinFreeBytes;
        return Task.FromResult(free < minimum
            ? HealthCheckResult.Degraded(
                $"The data folder is writable but has only {Size(free)} free, less than the minimum of {Size(minimum)} "
                + "(Annotator:Health:MinFreeBytes); edits and uploads are refused once it is full.")
            : HealthCheckResult.Healthy($"The data folder is writable and has {Size(free)} free."));
    }

    private static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("N1", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("N0", CultureInfo.InvariantCulture) + " MiB";
}
