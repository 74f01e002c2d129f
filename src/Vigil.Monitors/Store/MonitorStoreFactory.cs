namespace Vigil.Monitors.Store;

/// <summary>Picks the store from <c>monitors.store</c>: empty or <c>sqlite</c> for the data directory's file, a postgres URL otherwise.</summary>
internal static class MonitorStoreFactory
{
    public const string SqliteFileName = "monitors.db";

    /// <exception cref="FormatException">A setting that names neither.</exception>
    public static SqlMonitorStore Create(string? setting, string dataDirectory, TimeSpan commandTimeout)
    {
        if (string.IsNullOrEmpty(setting) || setting == "sqlite")
        {
            return new SqliteMonitorStore(Path.Combine(dataDirectory, SqliteFileName), commandTimeout);
        }

        if (setting.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            return new SqliteMonitorStore(setting["sqlite:".Length..], commandTimeout);
        }

        return new PostgresMonitorStore(PostgresMonitorStore.ConnectionString(setting, commandTimeout), commandTimeout);
    }
}
