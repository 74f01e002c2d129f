using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// Finds a series' aggregation group without building its group labels: the labels kept by <c>by</c> (or left by
/// <c>without</c>) are hashed and compared in place, so only a new group allocates its <see cref="Labels"/>. This
/// keeps <c>sum by (job) (...)</c> over many series to one lookup per series.
/// </summary>
internal sealed class GroupIndex<T>
{
    private readonly Dictionary<int, List<int>> _byHash = [];
    private readonly IReadOnlyList<string> _names;
    private readonly bool _without;

    /// <summary><paramref name="names"/> are kept (<c>by</c>), or dropped (<c>without</c>, which also lists <c>__name__</c>).</summary>
    public GroupIndex(IReadOnlyList<string> names, bool without) => (_names, _without) = (names, without);

    public List<(Labels Labels, T Value)> Groups { get; } = [];

    /// <summary>The index of <paramref name="metric"/>'s group in <see cref="Groups"/>, created with <paramref name="create"/> if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(Labels metric, Func<Labels, T> create)
    {
        int hash = Hash(metric);
        if (_byHash.TryGetValue(hash, out var candidates))
        {
            foreach (int g in candidates)
            {
                if (SameGroup(metric, Groups[g].Labels))
                {
                    return g;
                }
            }
        }
        else
        {
            _byHash[hash] = candidates = new List<int>(1);
        }

        var labels = _without ? LabelSets.Without(metric, _names) : LabelSets.Keep(metric, _names);
        candidates.Add(Groups.Count);
        Groups.Add((labels, create(labels)));
        return Groups.Count - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Kept(string name)
    {
        bool listed = false;
        for (int i = 0; i < _names.Count && !listed; i++)
        {
            listed = string.Equals(_names[i], name, StringComparison.Ordinal);
        }

        return listed != _without;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Hash(Labels metric)
    {
        var hash = default(HashCode);
        foreach (var l in metric)
        {
            if (Kept(l.Name))
            {
                hash.Add(l.Name, StringComparer.Ordinal);
                hash.Add(l.Value, StringComparer.Ordinal);
            }
        }

        return hash.ToHashCode();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SameGroup(Labels metric, Labels group)
    {
        int g = 0;
        foreach (var l in metric)
        {
            if (!Kept(l.Name))
            {
                continue;
            }

            if (g >= group.Count || !string.Equals(group[g].Name, l.Name, StringComparison.Ordinal)
                || !string.Equals(group[g].Value, l.Value, StringComparison.Ordinal))
            {
                return false;
            }

            g++;
        }

        return g == group.Count;
    }
}
