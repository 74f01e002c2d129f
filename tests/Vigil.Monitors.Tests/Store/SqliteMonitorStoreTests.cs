using Vigil.Monitors.Store;

namespace Vigil.Monitors.Tests.Store;

public sealed class SqliteMonitorStoreTests : MonitorStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-sqlite-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task DefaultStoreIsTheDataDirectoryFile()
    {
        await using var store = MonitorStoreFactory.Create(null, _dir, TimeSpan.FromSeconds(5));
        await store.MigrateAsync();
        Assert.Equal(Path.Combine(_dir, "monitors.db"), ((SqliteMonitorStore)store).Path);
        Assert.True(File.Exists(Path.Combine(_dir, "monitors.db")));
    }

    private protected override async Task<SqlMonitorStore?> OpenAsync()
    {
        var store = new SqliteMonitorStore(Path.Combine(_dir, "sub", "monitors.db"), TimeSpan.FromSeconds(5));
        await store.MigrateAsync();
        return store;
    }

    private protected override async Task<SqlMonitorStore> RestartAsync(SqlMonitorStore store)
    {
        var path = ((SqliteMonitorStore)store).Path;
        await store.DisposeAsync();
        return new SqliteMonitorStore(path, TimeSpan.FromSeconds(5));
    }
}
