using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>Compares label sets as if they had no <c>__name__</c>, without building the sets that lack it.</summary>
internal sealed class NameBlindComparer : IEqualityComparer<Labels>
{
    public static NameBlindComparer Instance { get; } = new();

    public bool Equals(Labels? x, Labels? y)
    {
        if (x is null || y is null)
        {
            return ReferenceEquals(x, y);
        }

        int i = 0, j = 0;
        while (true)
        {
            i = SkipName(x, i);
            j = SkipName(y, j);
            if (i == x.Count || j == y.Count)
            {
                return i == x.Count && j == y.Count;
            }

            if (x[i] != y[j])
            {
                return false;
            }

            (i, j) = (i + 1, j + 1);
        }
    }

    public int GetHashCode(Labels obj)
    {
        var hash = default(HashCode);
        foreach (var l in obj)
        {
            if (!string.Equals(l.Name, LabelSets.MetricName, StringComparison.Ordinal))
            {
                hash.Add(l.Name, StringComparer.Ordinal);
                hash.Add(l.Value, StringComparer.Ordinal);
            }
        }

        return hash.ToHashCode();
    }

    private static int SkipName(Labels labels, int i) =>
        i < labels.Count && string.Equals(labels[i].Name, LabelSets.MetricName, StringComparison.Ordinal) ? i + 1 : i;
}
