using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Querying;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>Issue 5's hot-path rule for blocks, checked exactly: reading chunks and iterating allocate nothing per sample.</summary>
public sealed class BlockAllocationTests
{
    private const long TwoHours = 2 * 3_600_000;

    [Fact]
    public void Iterating_a_block_series_allocates_nothing()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 2, samples: 480);
        using var block = Block.Open(BlockPath(temp.Path, Cut(head, temp.Path, 0, TwoHours)));
        using var querier = block.Querier();
        using var set = querier.Select(0, long.MaxValue, null, LabelMatcher.Equal("i", "0001"));
        Assert.True(set.MoveNext());
        var it = set.Current.Iterator();
        Drain(it); // warm up

        it = set.Current.Iterator(it);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = Drain(it);
        Assert.True(it.Seek(0) is false); // exhausted
        it = set.Current.Iterator(it);
        Assert.True(it.Seek(300 * Step));
        n += 1 + Drain(it);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(480 + 180, n);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Iterating_a_series_merged_from_a_block_and_the_head_allocates_nothing()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 1, samples: 960);
        using var blocks = BlockDirectory.Open(temp.Path);
        blocks.WriteBlock(head.ChunksInRange(0, TwoHours), 0, TwoHours);
        var queriers = blocks.BlockQueriers();
        queriers.Add(head.Querier());
        using var merged = new MergeQuerier(queriers);
        using var set = merged.Select(0, long.MaxValue, null, LabelMatcher.Equal("__name__", "m"));
        Assert.True(set.MoveNext());
        var it = set.Current.Iterator();
        Drain(it);

        it = set.Current.Iterator(it);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = Drain(it);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(960, n);
        Assert.Equal(0, allocated);
    }

    private static int Drain(ISampleIterator it)
    {
        int n = 0;
        while (it.Next())
        {
            n++;
        }

        return n;
    }
}
