namespace Vigil.Monitors.Templates;

/// <summary>
/// One monitor type, read from a YAML file in a templates folder (issue 7, "Monitor types as YAML templates").
/// The template, not the collector, decides which series a collection becomes: a collector fills a group's
/// fields by name, and <see cref="MetricsGroup"/> maps them to series.
/// </summary>
internal sealed record MonitorTemplate(
    string App,
    string Category,
    LocalizedText Name,
    LocalizedText Help,
    string Protocol,
    IReadOnlyList<TemplateParam> Params,
    IReadOnlyList<MetricsGroup> Metrics,
    string SourceFile)
{
    /// <summary>The parameter named <paramref name="field"/>, or null.</summary>
    public TemplateParam? Param(string field)
    {
        foreach (var param in Params)
        {
            if (string.Equals(param.Field, field, StringComparison.Ordinal))
            {
                return param;
            }
        }

        return null;
    }

    /// <summary>Whether any parameter is a secret (its value is never returned by the API, exported or logged).</summary>
    public bool IsSecret(string field) => Param(field)?.Secret ?? false;
}

/// <summary>The parameter types of a template; each has its own check and normal form (<see cref="ParamValidator"/>).</summary>
internal enum ParamType
{
    Host,
    Port,
    Number,
    Text,
    Password,
    Boolean,
    Select,
    Duration,
    KeyValue,
}

/// <summary>
/// One field of a monitor's form. <see cref="Min"/> and <see cref="Max"/> bound numbers and ports (and duration
/// values, in seconds); <see cref="Options"/> are the values a select accepts.
/// </summary>
internal sealed record TemplateParam(
    string Field,
    LocalizedText Name,
    ParamType Type,
    bool Required,
    string? Default,
    double? Min,
    double? Max,
    IReadOnlyList<string> Options,
    bool Secret);

/// <summary>
/// A metrics group: fields collected together. Priority 0 is availability: when it fails, the other groups are
/// skipped for that round (HertzBeat's rule). <see cref="Interval"/> overrides the monitor's interval for this
/// group when set (a group then runs on the rounds at least that far apart).
/// </summary>
internal sealed record MetricsGroup(
    string Name,
    int Priority,
    TimeSpan? Interval,
    IReadOnlyList<MetricField> Fields,
    IReadOnlyList<CalculatedField> Calculated)
{
    /// <summary>Index of <paramref name="field"/> among <see cref="Fields"/>, or -1.</summary>
    public int IndexOf(string field)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (string.Equals(Fields[i].Field, field, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>How a field becomes part of a series: a value (gauge or counter) or a label of the row's series.</summary>
internal enum FieldKind
{
    Gauge,
    Counter,
    Label,
}

/// <summary>
/// One field of a group. A value field becomes the series <see cref="Metric"/> with the row's label fields as
/// labels (plus <see cref="Labels"/>, constant ones from the template); a label field names the label it fills.
/// </summary>
internal sealed record MetricField(
    string Field,
    FieldKind Kind,
    string Metric,
    string? Unit,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>A value computed from the row's other value fields (<see cref="FieldExpression"/>), stored as a gauge.</summary>
internal sealed record CalculatedField(string Field, string Metric, string? Unit, FieldExpression Expression);
