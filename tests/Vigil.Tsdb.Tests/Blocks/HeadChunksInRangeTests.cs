using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>What the head hands a block: its own chunks when they fit the range, fresh ones when they must.</summary>
public sealed class HeadChunksInRangeTests
{
    private const long TwoHours = 2 * 3_600_000;

    [Fact]
    public void Chunks_inside_the_range_are_handed_over_as_they_are_when_blocks_keep_the_head_chunk_size()
    {
        using var head = FilledHead(series: 1, samples: 1000, options: new HeadOptions { BlockSamplesPerChunk = 120 });
        var series = Assert.Single(head.ChunksInRange(0, TwoHours));
        Assert.Equal(480, series.Chunks.Sum(c => c.SampleCount));
        Assert.Equal(4, series.Chunks.Count); // 120 samples each: the head's cuts
        Assert.Equal(0, series.Chunks[0].MinTime);
        Assert.Equal(TwoHours - Step, series.Chunks[^1].MaxTime);
        Assert.All(series.Chunks, c => Assert.True(IsHeadChunkPage(c.Bytes), "a closed chunk is shared, not copied"));
    }

    [Theory]
    [InlineData(480, 480, new[] { 480 })] // 2 h at 15 s: one chunk instead of the head's four
    [InlineData(240, 480, new[] { 240, 240 })]
    [InlineData(200, 480, new[] { 160, 160, 160 })] // evenly, not 200 + 200 + 80
    public void A_cut_merges_the_head_chunks_into_chunks_of_up_to_BlockSamplesPerChunk(int limit, int samples, int[] expected)
    {
        using var head = FilledHead(series: 1, samples: samples, options: new HeadOptions { BlockSamplesPerChunk = limit });
        var series = Assert.Single(head.ChunksInRange(0, TwoHours));
        Assert.Equal(expected, series.Chunks.Select(c => c.SampleCount));
        Assert.Equal(Enumerable.Range(0, samples).Select(n => n * Step), Decode(series.Chunks).Select(s => s.T));
        Assert.Equal(Enumerable.Range(0, samples).Select(n => BitConverter.DoubleToUInt64Bits(n)), Decode(series.Chunks).Select(s => s.Bits));
    }

    [Fact]
    public void A_chunk_straddling_the_boundary_is_cut_to_the_range()
    {
        using var head = FilledHead(series: 1, samples: 1000);
        long mint = 100 * Step, maxt = 250 * Step;
        var series = Assert.Single(head.ChunksInRange(mint, maxt));
        Assert.Equal(Enumerable.Range(100, 150).Select(n => n * Step), Decode(series.Chunks).Select(s => s.T));
        Assert.All(series.Chunks, c => Assert.InRange(c.MinTime, mint, maxt - 1));
        Assert.All(series.Chunks, c => Assert.InRange(c.MaxTime, mint, maxt - 1));
    }

    [Fact]
    public void Out_of_order_samples_of_the_range_join_it_in_time_order_and_later_ones_stay_out()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = TwoHours });
        var r = head.GetOrCreate(L("__name__", "m"));
        for (int n = 0; n < 300; n += 2)
        {
            head.Append(r, n * Step, n);
        }

        for (int n = 1; n < 300; n += 2)
        {
            Assert.Equal(AppendError.None, head.Append(r, n * Step, n == 51 ? StaleNaN : n)); // late, out of order
        }

        var series = Assert.Single(head.ChunksInRange(0, 200 * Step));
        var samples = Decode(series.Chunks);
        Assert.Equal(Enumerable.Range(0, 200).Select(n => n * Step), samples.Select(s => s.T));
        Assert.Equal(StaleNaNBits, samples[51].Bits);
        Assert.Equal(Bits(52), samples[52].Bits);
        Assert.All(series.Chunks, c => Assert.InRange(c.SampleCount, 1, XorChunk.DefaultSamplesPerChunk));
    }

    [Fact]
    public void Series_without_samples_in_the_range_are_left_out_and_the_rest_come_sorted()
    {
        using var head = new Head();
        foreach (string name in new[] { "zz", "aa", "mm" })
        {
            var r = head.GetOrCreate(L("__name__", name));
            head.Append(r, name == "mm" ? TwoHours : 0, 1);
        }

        Assert.Equal(["aa", "zz"], head.ChunksInRange(0, TwoHours).Select(s => s.Labels.Get("__name__")));
        Assert.Empty(head.ChunksInRange(5, 5));
    }

    private static List<(long T, ulong Bits)> Decode(IEnumerable<ChunkData> chunks)
    {
        var samples = new List<(long, ulong)>();
        var it = new XorIterator();
        foreach (var chunk in chunks)
        {
            it.Reset(chunk.Bytes);
            while (it.Next())
            {
                samples.Add((it.At().Timestamp, Bits(it.At().Value)));
            }
        }

        return samples;
    }

    /// <summary>Whether the bytes are the head's own, in a <see cref="HeadChunkPage"/>, rather than a copy.</summary>
    private static bool IsHeadChunkPage(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager<byte, HeadChunkPage>(bytes, out _);
}
