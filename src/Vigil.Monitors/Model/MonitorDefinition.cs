namespace Vigil.Monitors.Model;

/// <summary>Where a monitor stands: never collected (or resumed), last collection passed or failed, or paused.</summary>
internal enum MonitorStatus
{
    Unknown,
    Up,
    Down,
    Paused,
}

/// <summary>
/// One monitor as stored (issue 7, "Monitors"): what to collect (<see cref="App"/>, <see cref="Params"/>), how
/// often, which labels its series carry and which instance receives them, plus the status and error of its last
/// collection. <see cref="Params"/> hold normalized values, secrets included: only the API's writers drop them.
/// </summary>
internal sealed record MonitorDefinition
{
    public required string Id { get; init; }

    /// <summary>Unique among monitors: it is the <c>monitor</c> label of every series the monitor writes.</summary>
    public required string Name { get; init; }

    public required string App { get; init; }

    /// <summary>Sorted by field (ordinal).</summary>
    public required IReadOnlyDictionary<string, ParamValue> Params { get; init; }

    public required TimeSpan Interval { get; init; }

    /// <summary>Added to every series of the monitor; sorted by name.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public string Description { get; init; } = "";

    /// <summary>The instance whose appender receives the monitor's series.</summary>
    public string Instance { get; init; } = "default";

    public MonitorStatus Status { get; init; } = MonitorStatus.Unknown;

    /// <summary>The last collection's error, or null when it succeeded (or none ran yet).</summary>
    public string? LastError { get; init; }

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset Updated { get; init; }

    public bool IsPaused => Status == MonitorStatus.Paused;

    public string? Text(string field) => Params.TryGetValue(field, out var value) ? value.Text : null;
}

/// <summary>Names of <see cref="MonitorStatus"/> as the API and the store write them.</summary>
internal static class MonitorStatusNames
{
    public static string Name(MonitorStatus status) => status switch
    {
        MonitorStatus.Up => "up",
        MonitorStatus.Down => "down",
        MonitorStatus.Paused => "paused",
        _ => "unknown",
    };

    public static bool TryParse(string? text, out MonitorStatus status)
    {
        status = text switch
        {
            "up" => MonitorStatus.Up,
            "down" => MonitorStatus.Down,
            "paused" => MonitorStatus.Paused,
            "unknown" => MonitorStatus.Unknown,
            _ => (MonitorStatus)(-1),
        };
        return status >= 0;
    }
}
