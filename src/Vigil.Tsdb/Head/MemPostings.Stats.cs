using System.Text;
using Vigil.Tsdb;

namespace Vigil.Tsdb.Index;

/// <summary>The postings index's cardinality (Prometheus's <c>MemPostings.Stats</c>), for the head's <see cref="Head.IndexStats"/>.</summary>
internal sealed record PostingsCardinality(
    int NumLabelPairs,
    IReadOnlyList<IndexStat> Metrics,
    IReadOnlyList<IndexStat> LabelValueCounts,
    IReadOnlyList<IndexStat> LabelValueBytes,
    IReadOnlyList<IndexStat> LabelValuePairs);

// Kept next to the head that uses it (a new file, so the index's own files stay as they are).
internal sealed partial class MemPostings
{
    /// <summary>
    /// One pass over every label name and value under the read lock: per name its number of values and the bytes
    /// its values take summed over series (UTF-8 length × series, as Prometheus counts <c>len(value)</c>), per pair
    /// its series, and per value of <paramref name="metricLabel"/> its series.
    /// </summary>
    public PostingsCardinality CardinalityStats(string metricLabel, int top)
    {
        var metrics = new TopList(top);
        var valueCounts = new TopList(top);
        var valueBytes = new TopList(top);
        var pairs = new TopList(top);
        int numLabelPairs = 0;
        _lock.EnterReadLock();
        try
        {
            foreach (var (name, entry) in _names)
            {
                if (name.Length == 0)
                {
                    continue;
                }

                valueCounts.Offer(name, entry.Values.Count);
                numLabelPairs += entry.Values.Count;
                long bytes = 0;
                foreach (var (value, list) in entry.Values)
                {
                    if (name == metricLabel)
                    {
                        metrics.Offer(value, list.Count);
                    }

                    pairs.Offer(name, value, list.Count);
                    bytes += (long)Encoding.UTF8.GetByteCount(value) * list.Count;
                }

                valueBytes.Offer(name, bytes);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return new PostingsCardinality(numLabelPairs, metrics.Result(), valueCounts.Result(), valueBytes.Result(), pairs.Result());
    }

    /// <summary>The largest entries seen, without building a name string for entries that do not make the list.</summary>
    private sealed class TopList(int capacity)
    {
        private readonly List<IndexStat> _items = new(capacity + 1);

        public void Offer(string name, long value) => Offer(name, null, value);

        /// <summary>An entry named <c>name=value</c> (the pair list's names), or <paramref name="name"/> alone.</summary>
        public void Offer(string name, string? value, long count)
        {
            if (capacity <= 0 || (_items.Count == capacity && count < _items[^1].Value))
            {
                return;
            }

            var item = new IndexStat(value is null ? name : name + "=" + value, count);
            int at = _items.BinarySearch(item, Comparer<IndexStat>.Create(Order));
            _items.Insert(at < 0 ? ~at : at, item);
            if (_items.Count > capacity)
            {
                _items.RemoveAt(capacity);
            }
        }

        public IReadOnlyList<IndexStat> Result() => _items;

        private static int Order(IndexStat a, IndexStat b)
        {
            int byValue = b.Value.CompareTo(a.Value);
            return byValue != 0 ? byValue : string.CompareOrdinal(a.Name, b.Name);
        }
    }
}
