using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Querying;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

public sealed class MergeQuerierTests
{
    private const long TwoHours = 2 * 3_600_000;

    [Fact]
    public void Head_and_block_holding_the_same_samples_read_as_one_series_with_each_sample_once()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 3, samples: 600, value: (s, n) => n % 11 == 0 ? StaleNaN : n);
        using var blocks = BlockDirectory.Open(temp.Path);
        blocks.WriteBlock(head.ChunksInRange(0, TwoHours), 0, TwoHours); // not truncated: both hold [0, 2 h)
        var onlyInHead = head.GetOrCreate(L("__name__", "m", "i", "9999"));
        head.Append(onlyInHead, TwoHours, 1);

        var queriers = blocks.BlockQueriers();
        queriers.Add(head.Querier());
        using var merged = new MergeQuerier(queriers);
        var expected = Read(head.Querier(), long.MinValue, long.MaxValue);
        Assert.Equal(4, expected.Count);
        Assert.Equal(Describe(expected), Describe(Read(merged, long.MinValue, long.MaxValue)));

        // Ranges that end in the block, in the head only, and across both.
        foreach (var (mint, maxt) in new[] { (0L, 100 * Step), (TwoHours, long.MaxValue), (400 * Step, 500 * Step), (TwoHours - 1, TwoHours) })
        {
            Assert.Equal(Describe(Read(head.Querier(), mint, maxt)), Describe(Read(merged, mint, maxt)));
        }

        Assert.Equal(["__name__", "i"], merged.LabelNames());
        Assert.Equal(["0000", "0001", "0002", "9999"], merged.LabelValues("i"));
        Assert.Equal(["9999"], merged.LabelValues("i", LabelMatcher.Regex("i", "9.*")));
    }

    [Fact]
    public void Of_samples_with_the_same_timestamp_the_first_querier_wins()
    {
        using var first = FilledHead(series: 1, samples: 10, value: (_, n) => n);
        using var second = FilledHead(series: 2, samples: 20, start: 5 * Step, value: (_, n) => -1 - n);
        using var merged = new MergeQuerier([first.Querier(), second.Querier()]);
        var series = Read(merged, long.MinValue, long.MaxValue);
        Assert.Equal(2, series.Count);
        Assert.Equal(
            Enumerable.Range(0, 25).Select(n => (n * Step, Bits(n < 10 ? n : -1 - (n - 5)))),
            series[0].Samples);
        Assert.Equal(20, series[1].Samples.Count);
    }

    [Fact]
    public void Seek_moves_every_source_and_never_back()
    {
        using var evens = new Head();
        using var odds = new Head();
        var a = evens.GetOrCreate(L("__name__", "m"));
        var b = odds.GetOrCreate(L("__name__", "m"));
        for (int n = 0; n < 100; n++)
        {
            (n % 2 == 0 ? evens : odds).Append(n % 2 == 0 ? a : b, n, n);
        }

        using var merged = new MergeQuerier([evens.Querier(), odds.Querier()]);
        using var set = merged.Select(10, 90, null, LabelMatcher.Equal("__name__", "m"));
        Assert.True(set.MoveNext());
        var it = set.Current.Iterator();
        Assert.True(it.Seek(0));
        Assert.Equal(10, it.At().Timestamp);
        Assert.True(it.Seek(51));
        Assert.Equal(51, it.At().Timestamp);
        Assert.True(it.Seek(20));
        Assert.Equal(51, it.At().Timestamp);
        Assert.True(it.Next());
        Assert.Equal(52, it.At().Timestamp);
        Assert.False(it.Seek(91));
        Assert.False(it.Next());
        Assert.False(set.MoveNext());
    }
}
