namespace Vigil.Monitors.Model;

/// <summary>
/// What a client sends to create or replace a monitor (the API's JSON body, or one entry of an import), before
/// validation. Absent values are null; <see cref="Service.MonitorValidation"/> fills defaults and checks the rest.
/// </summary>
internal sealed record MonitorDraft
{
    /// <summary>Only imports carry an id (to reproduce exported monitors); the API assigns one.</summary>
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? App { get; init; }

    /// <summary>A Prometheus duration (<c>30s</c>); default <see cref="Service.MonitorValidation.DefaultInterval"/>.</summary>
    public string? Interval { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public string? Description { get; init; }

    public string? Instance { get; init; }

    public IReadOnlyDictionary<string, ParamValue> Params { get; init; } = new Dictionary<string, ParamValue>();

    /// <summary>Imports: true pauses, false resumes; null (the API's PUT) keeps the monitor's state.</summary>
    public bool? Paused { get; init; }
}
