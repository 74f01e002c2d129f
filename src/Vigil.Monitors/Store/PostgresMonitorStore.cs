using System.Data.Common;
using Npgsql;

namespace Vigil.Monitors.Store;

/// <summary>The store on PostgreSQL (<c>monitors.store: postgres://user:password@host:port/database</c>).</summary>
internal sealed class PostgresMonitorStore : SqlMonitorStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresMonitorStore(string connectionString, TimeSpan commandTimeout)
        : base(commandTimeout)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// A libpq-style URL as a connection string: user, password, host, port and database from the URL, and every
    /// query parameter as a connection string keyword (<c>?sslmode=require</c>).
    /// </summary>
    /// <exception cref="FormatException">Not a postgres URL, or an unknown keyword.</exception>
    public static string ConnectionString(string url, TimeSpan connectTimeout)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || uri.Host.Length == 0)
        {
            throw new FormatException($"'{Redact(url)}' is not a postgres://user:password@host:port/database URL");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
            Timeout = Math.Max(1, (int)Math.Ceiling(connectTimeout.TotalSeconds)),
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (pair[..eq], pair[(eq + 1)..]) : (pair, "");
            try
            {
                builder[Uri.UnescapeDataString(key)] = Uri.UnescapeDataString(value);
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"'{Uri.UnescapeDataString(key)}' is not a PostgreSQL connection setting", ex);
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>The URL without its password, for messages (secrets are never logged).</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal)
            ? url.Replace(uri.UserInfo, uri.UserInfo.Split(':')[0] + ":***", StringComparison.Ordinal)
            : url;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Two Vigils starting on one database: the second waits, then finds the schema current.
        return ExecuteAsync(connection, transaction, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE", cancellationToken);
    }
}
