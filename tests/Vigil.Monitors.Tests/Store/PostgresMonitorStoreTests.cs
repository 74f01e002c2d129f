using Vigil.Monitors.Store;
using Xunit.Abstractions;

namespace Vigil.Monitors.Tests.Store;

/// <summary>The store contract on a real PostgreSQL started for each test (the Debian package).</summary>
public sealed class PostgresMonitorStoreTests : MonitorStoreContract, IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private PostgresServer? _server;

    public PostgresMonitorStoreTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _server = await PostgresServer.StartOrSkipAsync(_output.WriteLine);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private protected override async Task<SqlMonitorStore?> OpenAsync()
    {
        if (_server is null)
        {
            return null;
        }

        var store = new PostgresMonitorStore(PostgresMonitorStore.ConnectionString(_server.Url, TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(10));
        await store.MigrateAsync();
        return store;
    }

    private protected override async Task<SqlMonitorStore> RestartAsync(SqlMonitorStore store)
    {
        await store.DisposeAsync();
        await _server!.StopAsync();
        await _server.StartAsync();
        return new PostgresMonitorStore(PostgresMonitorStore.ConnectionString(_server.Url, TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(10));
    }
}
