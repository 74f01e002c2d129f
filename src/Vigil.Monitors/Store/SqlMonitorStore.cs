using System.Data.Common;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Store;

/// <summary>
/// The store over any ADO.NET database that reads <see cref="MonitorSchema"/>'s SQL: one class for SQLite and
/// PostgreSQL (named parameters <c>@p</c>, <c>LIMIT</c>/<c>OFFSET</c>), with only opening a connection and
/// recognizing a unique-key violation left to each.
/// </summary>
internal abstract partial class SqlMonitorStore : IMonitorStore
{
    private const string Columns = "id, name, app, instance, interval_ms, params, labels, description, status, last_error, created_ms, updated_ms";

    protected SqlMonitorStore(TimeSpan commandTimeout)
    {
        CommandTimeout = commandTimeout;
    }

    /// <summary>Every command's limit (the brief's rule: every call to a stateful client has a timeout).</summary>
    public TimeSpan CommandTimeout { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await BeforeMigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, MonitorSchema.MigrationsTable, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await using var read = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        var current = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (current > MonitorSchema.LatestVersion)
        {
            throw new InvalidOperationException($"the monitor store is at schema version {current}, newer than this Vigil knows ({MonitorSchema.LatestVersion})");
        }

        foreach (var migration in MonitorSchema.Migrations.Where(m => m.Version > current))
        {
            foreach (var statement in migration.Statements)
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }

            await using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, description, applied_ms) VALUES (@v, @d, @t)");
            Add(record, "v", migration.Version);
            Add(record, "d", migration.Description);
            Add(record, "t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task InsertAsync(MonitorDefinition monitor, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, transaction, $"INSERT INTO monitors ({Columns}) VALUES (@id, @name, @app, @instance, @interval, @params, @labels, @description, @status, @error, @created, @updated)");
        AddMonitor(insert, monitor);
        await RunUniqueAsync(insert, monitor, cancellationToken).ConfigureAwait(false);
        await WriteLabelsAsync(connection, transaction, monitor, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> UpdateAsync(MonitorDefinition monitor, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var update = Command(connection, transaction, """
            UPDATE monitors SET name = @name, app = @app, instance = @instance, interval_ms = @interval, params = @params,
                labels = @labels, description = @description, status = @status, last_error = @error, updated_ms = @updated
            WHERE id = @id
            """);
        AddMonitor(update, monitor);
        if (await RunUniqueAsync(update, monitor, cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }

        await using var clear = Command(connection, transaction, "DELETE FROM monitor_labels WHERE monitor_id = @id");
        Add(clear, "id", monitor.Id);
        await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await WriteLabelsAsync(connection, transaction, monitor, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task UpdateStatusAsync(string id, MonitorStatus status, string? lastError, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // Never over a pause: a round that ends while its monitor is being paused reports after the pause is stored.
        await using var update = Command(connection, null, "UPDATE monitors SET status = @status, last_error = @error WHERE id = @id AND status <> 'paused'");
        Add(update, "id", id);
        Add(update, "status", MonitorStatusNames.Name(status));
        Add(update, "error", lastError);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var names = string.Join(", ", ids.Select((_, i) => "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await using var labels = Command(connection, transaction, $"DELETE FROM monitor_labels WHERE monitor_id IN ({names})");
        await using var monitors = Command(connection, transaction, $"DELETE FROM monitors WHERE id IN ({names})");
        var index = 0;
        foreach (var id in ids)
        {
            var name = "i" + index++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Add(labels, name, id);
            Add(monitors, name, id);
        }

        await labels.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await monitors.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public abstract ValueTask DisposeAsync();

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Per-database set-up before migrating (SQLite's journal mode).</summary>
    protected virtual Task BeforeMigrateAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Keeps two processes from migrating at once where the database can (PostgreSQL's table lock).</summary>
    protected virtual Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    protected DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(CommandTimeout.TotalSeconds));
        return command;
    }

    protected async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void AddMonitor(DbCommand command, MonitorDefinition monitor)
    {
        Add(command, "id", monitor.Id);
        Add(command, "name", monitor.Name);
        Add(command, "app", monitor.App);
        Add(command, "instance", monitor.Instance);
        Add(command, "interval", (long)monitor.Interval.TotalMilliseconds);
        Add(command, "params", MonitorCodec.WriteParams(monitor.Params));
        Add(command, "labels", MonitorCodec.WriteLabels(monitor.Labels));
        Add(command, "description", monitor.Description);
        Add(command, "status", MonitorStatusNames.Name(monitor.Status));
        Add(command, "error", monitor.LastError);
        Add(command, "created", monitor.Created.ToUnixTimeMilliseconds());
        Add(command, "updated", monitor.Updated.ToUnixTimeMilliseconds());
    }

    private async Task<int> RunUniqueAsync(DbCommand command, MonitorDefinition monitor, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            throw new MonitorConflictException($"a monitor with id '{monitor.Id}' or name '{monitor.Name}' exists", ex);
        }
    }

    private async Task WriteLabelsAsync(DbConnection connection, DbTransaction transaction, MonitorDefinition monitor, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in monitor.Labels)
        {
            await using var insert = Command(connection, transaction, "INSERT INTO monitor_labels (monitor_id, name, value) VALUES (@id, @name, @value)");
            Add(insert, "id", monitor.Id);
            Add(insert, "name", name);
            Add(insert, "value", value);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
