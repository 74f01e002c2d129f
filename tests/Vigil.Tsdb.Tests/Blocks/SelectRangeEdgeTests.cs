using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// The contract's "series that have samples in [mint, maxt]" where a chunk overlaps the range with no sample inside
/// it: head and block sets skip such a series, and take one whose first or last sample lies on the range's edge
/// without decoding (the shortcut that keeps instant queries from decoding each chunk twice).
/// </summary>
public sealed class SelectRangeEdgeTests
{
    // "sparse": 0 and 100 s, one chunk straddling everything between; "dense": every 10 s from 0 to 100 s.
    [Theory]
    [InlineData(40_000, 60_000, "dense")]
    [InlineData(0, 0, "dense sparse")]
    [InlineData(100_000, 100_000, "dense sparse")]
    [InlineData(95_000, 200_000, "dense sparse")]
    [InlineData(-50_000, 5_000, "dense sparse")]
    [InlineData(1, 9_999, "")]
    [InlineData(101_000, 200_000, "")]
    public void Only_series_with_a_sample_in_the_range_are_selected(long mint, long maxt, string expected)
    {
        using var head = new Head();
        var sparse = head.GetOrCreate(L("__name__", "m", "s", "sparse"));
        Assert.Equal(AppendError.None, head.Append(sparse, 0, 1));
        Assert.Equal(AppendError.None, head.Append(sparse, 100_000, 2));
        var dense = head.GetOrCreate(L("__name__", "m", "s", "dense"));
        for (long t = 0; t <= 100_000; t += 10_000)
        {
            Assert.Equal(AppendError.None, head.Append(dense, t, t));
        }

        using var temp = new TempDirectory();
        using var block = Block.Open(BlockPath(temp.Path, Cut(head, temp.Path, 0, 200_000)));
        Assert.Equal(expected, Selected(head, mint, maxt));
        Assert.Equal(expected, Selected(block, mint, maxt));
    }

    private static string Selected(IQueryableStorage storage, long mint, long maxt)
    {
        using var querier = storage.Querier();
        using var set = querier.Select(mint, maxt, null, LabelMatcher.Equal("__name__", "m"));
        var names = new List<string>();
        while (set.MoveNext())
        {
            var it = set.Current.Iterator();
            Assert.True(it.Next(), "a selected series yields a sample");
            Assert.InRange(it.At().Timestamp, mint, maxt);
            names.Add(set.Current.Labels.Get("s")!);
        }

        return string.Join(' ', names);
    }
}
