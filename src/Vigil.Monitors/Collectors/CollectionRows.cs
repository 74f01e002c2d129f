using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// The rows one round collected, by metrics group. It belongs to one monitor and is reset every round, so its
/// rows (value and label arrays sized to the group's fields) are reused rather than allocated per round.
/// </summary>
internal sealed class CollectionRows
{
    private readonly MonitorTemplate _template;
    private readonly GroupRows[] _groups;

    public CollectionRows(MonitorTemplate template)
    {
        _template = template;
        _groups = [.. template.Metrics.Select(g => new GroupRows(g))];
    }

    public MonitorTemplate Template => _template;

    /// <summary>Set by <see cref="Fail"/>: the probe ran but the target failed it (bad status, missing keyword).</summary>
    public string? FailureReason { get; private set; }

    public string? FailureMessage { get; private set; }

    internal IReadOnlyList<GroupRows> Groups => _groups;

    /// <summary>Samples of series the template does not declare (a scraped endpoint's), written as they are named.</summary>
    public SeriesSamples Samples { get; } = new();

    /// <summary>Starts a round with the groups <paramref name="isDue"/> selects.</summary>
    public void Reset(Func<MetricsGroup, bool> isDue)
    {
        FailureReason = FailureMessage = null;
        Samples.Clear();
        foreach (var group in _groups)
        {
            group.Reset(isDue(group.Group));
        }
    }

    public bool IsDue(string group) => Find(group)?.Due ?? false;

    /// <summary>A new row of <paramref name="group"/>; null when the group is not collected this round (or unknown).</summary>
    public MetricsRow? Add(string group) => Find(group) is { Due: true } rows ? rows.Add() : null;

    /// <summary>Reports the target as down for this round with a reason label and a message for the API.</summary>
    public void Fail(string reason, string message)
    {
        FailureReason = reason;
        FailureMessage = message;
    }

    private GroupRows? Find(string group)
    {
        foreach (var rows in _groups)
        {
            if (string.Equals(rows.Group.Name, group, StringComparison.Ordinal))
            {
                return rows;
            }
        }

        return null;
    }

    internal sealed class GroupRows(MetricsGroup group)
    {
        private readonly List<MetricsRow> _rows = [];

        public MetricsGroup Group { get; } = group;

        public bool Due { get; private set; }

        public int Count { get; private set; }

        public MetricsRow this[int index] => _rows[index];

        public void Reset(bool due)
        {
            Due = due;
            Count = 0;
        }

        public MetricsRow Add()
        {
            if (Count == _rows.Count)
            {
                _rows.Add(new MetricsRow(Group));
            }

            var row = _rows[Count++];
            row.Clear();
            return row;
        }
    }
}

/// <summary>One row of a group: a number per value field (NaN when not collected) and a text per label field.</summary>
internal sealed class MetricsRow
{
    private readonly MetricsGroup _group;

    public MetricsRow(MetricsGroup group)
    {
        _group = group;
        Values = new double[group.Fields.Count];
        Labels = new string?[group.Fields.Count];
    }

    public double[] Values { get; }

    public string?[] Labels { get; }

    /// <summary>Sets a value field; a field the template does not have is ignored (a user template may drop fields).</summary>
    public MetricsRow Set(string field, double value)
    {
        var index = _group.IndexOf(field);
        if (index >= 0)
        {
            Values[index] = value;
        }

        return this;
    }

    public MetricsRow SetLabel(string field, string value)
    {
        var index = _group.IndexOf(field);
        if (index >= 0)
        {
            Labels[index] = value;
        }

        return this;
    }

    internal void Clear()
    {
        Values.AsSpan().Fill(double.NaN);
        Labels.AsSpan().Clear();
    }
}
