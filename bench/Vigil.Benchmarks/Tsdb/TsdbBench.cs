using System.Globalization;
using Vigil.Tsdb.Storage;

namespace Vigil.Benchmarks.Tsdb;

/// <summary>What the head and block benchmarks share: reading a selection back, and label values.</summary>
internal static class TsdbBench
{
    /// <summary>Selects with <paramref name="matchers"/> and sums every value, reusing one iterator across series.</summary>
    public static double SelectAndRead(IQueryableStorage storage, LabelMatcher[] matchers, ref ISampleIterator? reuse)
    {
        double sum = 0;
        using var querier = storage.Querier();
        using var set = querier.Select(0, long.MaxValue, null, matchers);
        while (set.MoveNext())
        {
            var it = reuse = set.Current.Iterator(reuse);
            while (it.Next())
            {
                sum += it.At().Value;
            }
        }

        return sum;
    }

    public static string[] Values(string prefix, int count, string format) =>
        Enumerable.Range(0, count).Select(i => prefix + i.ToString(format, CultureInfo.InvariantCulture)).ToArray();
}
