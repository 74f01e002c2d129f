using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

/// <summary>Issue 5's hot-path rule, checked exactly: appends and query iteration allocate nothing per sample.</summary>
public sealed class HeadAllocationTests
{
    private const long Step = 15_000;

    [Fact]
    public void Appending_to_an_existing_series_allocates_nothing_between_chunk_cuts()
    {
        using var head = new Head();
        var warm = head.GetOrCreate(L("__name__", "warm"));
        var measured = head.GetOrCreate(L("__name__", "measured"));

        // Two full chunks each: the open chunk's buffer has the size its chunks need, and keeps it at the cut.
        Fill(head, warm, 0, 241);
        Fill(head, measured, 0, 241);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Fill(head, measured, 241, 100); // inside the third chunk: no cut
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_cut_shrinks_a_buffer_that_one_large_chunk_grew()
    {
        // A chunk of values that change a lot (7+ bytes a sample), then quiet ones: the open chunk must not keep
        // the noisy chunk's buffer for good (XorChunk's compact mode, issue 5's RSS target).
        var chunk = new Vigil.Tsdb.Chunks.XorChunk(64, compact: true);
        for (int i = 0; i < 120; i++)
        {
            chunk.Append(i * Step, Math.Sqrt(i + 0.5));
        }

        int noisy = chunk.Bytes.Length;
        chunk.Reset();
        for (int i = 0; i < 120; i++)
        {
            chunk.Append(i * Step, 1);
        }

        int quiet = chunk.Bytes.Length;
        chunk.Reset();
        chunk.Append(0, 1);
        Assert.True(noisy > 800, $"the noisy chunk took {noisy} bytes");
        Assert.True(CapacityOf(chunk) <= quiet + (quiet / 8) + 9, $"buffer after a quiet chunk of {quiet} bytes: {CapacityOf(chunk)} (the noisy chunk {noisy})");
    }

    private static int CapacityOf(Vigil.Tsdb.Chunks.XorChunk chunk) => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(chunk.Memory, out var segment) ? segment.Array!.Length : -1;

    [Fact]
    public void Iterating_a_selected_series_allocates_nothing_per_sample()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = 10 * Step });
        var r = head.GetOrCreate(L("__name__", "m"));
        Fill(head, r, 0, 1000);
        head.Append(r, (998 * Step) + 1, 1); // one out-of-order sample to merge
        using var querier = head.Querier();
        using var set = querier.Select(0, long.MaxValue, null, LabelMatcher.Equal("__name__", "m"));
        Assert.True(set.MoveNext());
        var it = set.Current.Iterator();
        Drain(it); // warm up

        it = set.Current.Iterator(it);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = Drain(it);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1001, n);
        Assert.Equal(0, allocated);
    }

    private static void Fill(Head head, SeriesRef r, int from, int count)
    {
        for (int i = from; i < from + count; i++)
        {
            if (head.Append(r, i * Step, i % 7) != AppendError.None)
            {
                Assert.Fail("append refused");
            }
        }
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
