using Annotator.Web.Data;
using Microsoft.Data.Sqlite;

namespace Annotator.Tests.Web.Data;

/// <summary>What the operating system and the databases say when storage is full is recognised as such; nothing else is.</summary>
public sealed class StorageFullRecognition
{
    [Fact]
    public void AWriteThatMeetsNoSpaceLeftOnDeviceIsStorageFull()
    {
        // /dev/full answers every write with ENOSPC, exactly as a full file system does.
        Assert.SkipUnless(File.Exists("/dev/full"), "No /dev/full on this system.");
        var e = Assert.ThrowsAny<IOException>(() =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            full.Write(new byte[4096]);
            full.Flush();
        });

        Assert.True(StorageFull.Is(e), $"{e.GetType().Name} (HResult {e.HResult}): {e.Message}");
        Assert.True(StorageFull.Is(new InvalidOperationException("wrapped", e)));
    }

    [Fact]
    public void OtherFailuresAreNot()
    {
        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM no_such_table";
        var sqlite = Assert.Throws<SqliteException>(() => command.ExecuteReader());

        Assert.False(StorageFull.Is(missing));
        Assert.False(StorageFull.Is(sqlite));
        Assert.False(StorageFull.Is(new TimeoutException()));
        Assert.False(StorageFull.Is(null));
    }
}
