using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Vigil.Monitors.Store;

/// <summary>The default store: one SQLite file, <c>&lt;data&gt;/monitors.db</c>, in WAL journal mode.</summary>
internal sealed class SqliteMonitorStore : SqlMonitorStore
{
    // SQLITE_CONSTRAINT; its extended codes (UNIQUE 2067, PRIMARYKEY 1555) all share the low byte.
    private const int ConstraintError = 19;

    private readonly string _connectionString;
    private bool _directoryChecked;

    public SqliteMonitorStore(string path, TimeSpan commandTimeout)
        : base(commandTimeout)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // The busy timeout: how long a write waits for another connection's lock.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(commandTimeout.TotalSeconds)),
        }.ToString();
    }

    public string Path { get; }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release this file's so a test (or a restart) can reopen or delete it.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_directoryChecked)
        {
            // SQLite creates the file, not its folder (a fresh data directory).
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            _directoryChecked = true;
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: ConstraintError };

    protected override async Task BeforeMigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Readers (the API) never wait for the scheduler's status writes.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken).ConfigureAwait(false);
    }
}
