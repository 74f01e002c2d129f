using Vigil.Tsdb.Storage;
using Vigil.Tsdb.Tests.BlockTests;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

/// <summary>Closed head chunks in memory-mapped segment files (HeadChunkFile, Prometheus's chunks_head).</summary>
public sealed class HeadChunkFileTests
{
    [Fact]
    public void A_head_with_chunks_on_disk_reads_back_what_a_heap_head_does()
    {
        using var temp = new TempDirectory("chunks-head");
        var options = new HeadOptions { ChunkRange = 1_000_000, SamplesPerChunk = 8 };
        using var heap = new Head(options);
        using var disk = new Head(options with { ChunkDirectory = Path.Combine(temp.Path, "chunks_head") });
        int seed = TestSeed.Next();
        var random = new Random(seed);

        // 500 series x 400 samples of random values: ~25,000 chunks of ~80 bytes, several 256 KiB pages written.
        var refs = new List<(SeriesRef Heap, SeriesRef Disk)>();
        for (int s = 0; s < 500; s++)
        {
            var labels = L("__name__", "m", "s", s.ToString(System.Globalization.CultureInfo.InvariantCulture));
            refs.Add((heap.GetOrCreate(labels), disk.GetOrCreate(labels)));
        }

        for (long t = 0; t < 400; t++)
        {
            foreach (var (h, d) in refs)
            {
                double v = random.NextDouble() * 1e6;
                Assert.Equal(AppendError.None, heap.Append(h, t * 15, v));
                Assert.Equal(AppendError.None, disk.Append(d, t * 15, v));
            }
        }

        Assert.True(disk.ChunkSegmentCount >= 1, $"seed {seed}: no segment written");
        Assert.True(new FileInfo(Path.Combine(temp.Path, "chunks_head", "000001")).Exists, $"seed {seed}");
        var matcher = LabelMatcher.Equal("__name__", "m");
        var expected = Select(heap, long.MinValue, long.MaxValue, matcher);
        var actual = Select(disk, long.MinValue, long.MaxValue, matcher);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Samples.SequenceEqual(actual[i].Samples), $"seed {seed}: series {expected[i].Labels} differs");
        }

        // A cut from disk chunks (what a block write reads) holds the same samples too.
        Assert.Equal(
            heap.ChunksInRange(0, 3000).Sum(c => c.Chunks.Count),
            disk.ChunksInRange(0, 3000).Sum(c => c.Chunks.Count));
    }

    [Fact]
    public void Truncated_segments_are_deleted_once_no_querier_reads_them()
    {
        using var temp = new TempDirectory("chunks-head");
        string directory = Path.Combine(temp.Path, "chunks_head");
        using var file = HeadChunkFile.Open(directory, segmentSize: HeadChunkFile.PageSize);
        byte[] chunk = new byte[1000];
        var kept = new List<ReadOnlyMemory<byte>>();

        // Four pages' worth at times 0..3, one segment per page, then one more chunk to write the fourth page.
        for (int page = 0; page < 4; page++)
        {
            for (int i = 0; i < HeadChunkFile.PageSize / chunk.Length; i++)
            {
                Array.Fill(chunk, (byte)(page + 1));
                kept.Add(file.Add(chunk, maxTime: page));
            }
        }

        file.Add(chunk, maxTime: 4);
        Assert.Equal(4, file.SegmentCount);
        Assert.All(kept[0].ToArray(), b => Assert.Equal(1, b));

        var lease = file.AcquireLease();
        file.TruncateBefore(2); // the segments of times 0 and 1 are retired
        Assert.Equal(4, Directory.GetFiles(directory).Length);
        Assert.All(kept[0].ToArray(), b => Assert.Equal(1, b)); // still mapped for the lease holder
        lease.Dispose();
        lease.Dispose(); // a second dispose releases nothing more
        Assert.Equal(2, file.SegmentCount);
        Assert.Equal(["000003", "000004"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Throws<ObjectDisposedException>(() => kept[0].Span.Length);

        // The newest segment is never retired: pages still go into it.
        file.TruncateBefore(long.MaxValue);
        Assert.Equal(1, file.SegmentCount);
        Assert.All(kept[^1].ToArray(), b => Assert.Equal(4, b));
    }

    [Fact]
    public void Opening_empties_the_directory_because_the_head_is_rebuilt_from_the_wal()
    {
        using var temp = new TempDirectory("chunks-head");
        string directory = Path.Combine(temp.Path, "chunks_head");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "000001"), "left by the last run");
        using var file = HeadChunkFile.Open(directory);
        Assert.Empty(Directory.GetFiles(directory));
        Assert.Equal(0, file.SegmentCount);
    }
}
