using Vigil.Common.Config;

namespace Vigil.Config;

/// <summary>
/// <c>monitors</c> (issue 7): where monitors are stored, the user's templates folder and the scheduler's limits.
/// A reload that changes it restarts the monitor platform with the new section (VigilServer.RestartMonitorsAsync).
/// </summary>
internal sealed record MonitorsConfig
{
    public static MonitorsConfig Default { get; } = new();

    /// <summary><c>enabled</c>: run monitors and serve <c>/api/v1/monitors</c>; default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>store</c>: empty or <c>sqlite</c> for <c>&lt;data&gt;/monitors.db</c>, or <c>postgres://user:password@host:port/db</c>.</summary>
    public string? Store { get; init; }

    /// <summary><c>templates_directory</c>: extra monitor types, and replacements of shipped ones by app; default none.</summary>
    public string? TemplatesDirectory { get; init; }

    /// <summary><c>max_concurrency</c>: collections running at once; default 256.</summary>
    public int MaxConcurrency { get; init; } = 256;

    /// <summary><c>max_timeout</c>: the longest a collection may run (a monitor's timeout is the smaller of this and its interval); default 30s.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>store_timeout</c>: each store command's limit; default 10s.</summary>
    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static MonitorsConfig Parse(ConfigMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new MonitorsConfig
        {
            Enabled = map.Bool("enabled", Default.Enabled),
            Store = map.String("store"),
            TemplatesDirectory = map.String("templates_directory"),
            MaxConcurrency = map.Int("max_concurrency", Default.MaxConcurrency, min: 1),
            MaxTimeout = map.PositiveDuration("max_timeout", Default.MaxTimeout),
            StoreTimeout = map.PositiveDuration("store_timeout", Default.StoreTimeout),
        };
        map.RejectUnknownKeys();
        if (result.Store is { Length: > 0 } store && store != "sqlite" && !store.StartsWith("sqlite:", StringComparison.Ordinal)
            && !store.StartsWith("postgres://", StringComparison.Ordinal) && !store.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            throw map.Error("store", "expected sqlite, sqlite:<path> or a postgres:// URL");
        }

        return result;
    }
}
