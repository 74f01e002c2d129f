using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// The label-set operations of the evaluator (Prometheus's <c>labels.Builder</c> uses): dropping the metric name,
/// keeping or removing a list of names. Each builds a new <see cref="Labels"/> once per series, never per step.
/// </summary>
internal static class LabelSets
{
    public const string MetricName = "__name__";

    public static Labels DropMetricName(Labels labels)
    {
        if (!labels.Has(MetricName))
        {
            return labels;
        }

        return Without(labels, [MetricName]);
    }

    /// <summary>The labels whose names are in <paramref name="names"/> (<c>by</c>, <c>on</c>).</summary>
    public static Labels Keep(Labels labels, IReadOnlyList<string> names) => Filter(labels, names, keep: true);

    /// <summary>The labels whose names are not in <paramref name="names"/> (<c>without</c>, <c>ignoring</c>).</summary>
    public static Labels Without(Labels labels, IReadOnlyList<string> names) => Filter(labels, names, keep: false);

    /// <summary>The labels listed in <paramref name="names"/> (or not listed), the same object when nothing changes.</summary>
    private static Labels Filter(Labels labels, IReadOnlyList<string> names, bool keep)
    {
        int n = 0;
        foreach (var l in labels)
        {
            n += Contains(names, l.Name) == keep ? 1 : 0;
        }

        if (n == labels.Count)
        {
            return labels;
        }

        var kept = new Label[n];
        int i = 0;
        foreach (var l in labels)
        {
            if (Contains(names, l.Name) == keep)
            {
                kept[i++] = l;
            }
        }

        return Labels.FromOwnedArray(kept);
    }

    /// <summary>Sets (or, for an empty value, removes) one label.</summary>
    public static Labels With(Labels labels, string name, string value)
    {
        var list = new List<Label>(labels.Count + 1);
        foreach (var l in labels)
        {
            if (!string.Equals(l.Name, name, StringComparison.Ordinal))
            {
                list.Add(l);
            }
        }

        if (value.Length > 0)
        {
            list.Add(new Label(name, value));
        }

        var array = list.ToArray();
        Array.Sort(array, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Labels.FromOwnedArray(array);
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
