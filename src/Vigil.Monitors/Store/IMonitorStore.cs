using Vigil.Monitors.Model;

namespace Vigil.Monitors.Store;

/// <summary>
/// Where monitors persist (issue 7, "Persistence"): SQLite in the data directory by default, or PostgreSQL. Both
/// implementations share one schema and one migrations table (<see cref="MonitorSchema"/>). Every call runs with
/// the store's command timeout, so a stalled database fails a request instead of hanging it.
/// </summary>
internal interface IMonitorStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema; called once before anything else.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>A page of monitors matching <paramref name="query"/>, ordered by name, with the total count.</summary>
    Task<MonitorPage> ListAsync(MonitorQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every monitor (the scheduler's start-up read).</summary>
    Task<IReadOnlyList<MonitorDefinition>> AllAsync(CancellationToken cancellationToken = default);

    Task<MonitorDefinition?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <exception cref="MonitorConflictException">The id or the name is taken.</exception>
    Task InsertAsync(MonitorDefinition monitor, CancellationToken cancellationToken = default);

    /// <summary>Replaces the monitor with <see cref="MonitorDefinition.Id"/>; false when there is none.</summary>
    /// <exception cref="MonitorConflictException">The new name is another monitor's.</exception>
    Task<bool> UpdateAsync(MonitorDefinition monitor, CancellationToken cancellationToken = default);

    /// <summary>Records a collection's outcome without touching what the user set; a paused monitor stays paused.</summary>
    Task UpdateStatusAsync(string id, MonitorStatus status, string? lastError, CancellationToken cancellationToken = default);

    /// <summary>Deletes the monitors with these ids; returns how many existed.</summary>
    Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);
}

/// <summary>Filters and a page: all filters must hold (label filters are exact name=value pairs).</summary>
internal sealed record MonitorQuery
{
    public string? App { get; init; }

    public MonitorStatus? Status { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>Monitors to skip (0-based offset).</summary>
    public int Offset { get; init; }

    /// <summary>Page size.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>One page and how many monitors match in all.</summary>
internal sealed record MonitorPage(IReadOnlyList<MonitorDefinition> Items, int Total);
