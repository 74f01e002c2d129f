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
        byte[] chunk = new byte[1000 - HeadChunkFile.HeaderSize]; // 1,000 bytes with its header
        var kept = new List<ReadOnlyMemory<byte>>();
        var refs = new List<ulong>();

        // Four pages' worth at times 0..3, one segment per page, then one more chunk to write the fourth page.
        for (int page = 0; page < 4; page++)
        {
            for (int i = 0; i < HeadChunkFile.PageSize / 1000; i++)
            {
                Array.Fill(chunk, (byte)(page + 1));
                refs.Add(file.Add(chunk, page, page, HeadChunkFile.NoChunk));
                kept.Add(file.Read(refs[^1], out _).Bytes);
            }
        }

        file.Add(chunk, 4, 4, HeadChunkFile.NoChunk);
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
        Assert.Throws<InvalidOperationException>(() => file.Read(refs[0], out _)); // its page left the table
        Assert.Equal(4, file.Read(refs[^1], out _).Bytes.Span[0]);

        // The newest segment is never retired: pages still go into it.
        file.TruncateBefore(long.MaxValue);
        Assert.Equal(1, file.SegmentCount);
        Assert.All(kept[^1].ToArray(), b => Assert.Equal(4, b));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_series_chain_reads_back_newest_first_across_pages(bool onDisk)
    {
        using var temp = new TempDirectory("chunks-head");
        using var file = onDisk ? HeadChunkFile.Open(Path.Combine(temp.Path, "chunks_head")) : HeadChunkFile.InMemory();
        ulong newest = HeadChunkFile.NoChunk;
        var other = new byte[3000];
        for (int c = 0; c < 200; c++)
        {
            // Chunks of other series in between, so the chain crosses pages (and segments' mapped pages on disk).
            file.Add(other, c, c, HeadChunkFile.NoChunk);
            newest = file.Add([(byte)c, (byte)(c >> 8), 7], c * 1000L, (c * 1000L) + 999, newest);
        }

        int expected = 199;
        for (ulong next = newest; next != HeadChunkFile.NoChunk; expected--)
        {
            var chunk = file.Read(next, out next);
            Assert.Equal(expected * 1000L, chunk.MinTime);
            Assert.Equal((expected * 1000L) + 999, chunk.MaxTime);
            Assert.Equal(new byte[] { (byte)expected, (byte)(expected >> 8), 7 }, chunk.Bytes.ToArray());
        }

        Assert.Equal(-1, expected);
        Assert.True(file.LivePages > 5, "the chain spans pages");
    }

    [Fact]
    public void Heap_pages_whose_chunks_all_ended_before_a_truncation_leave_the_table()
    {
        using var file = HeadChunkFile.InMemory();
        var big = new byte[40_000];
        var refs = Enumerable.Range(0, 10).Select(t => file.Add(big, t, t, HeadChunkFile.NoChunk)).ToList();
        var before = file.LivePages;
        var held = file.Read(refs[0], out _).Bytes;
        file.TruncateBefore(5);
        Assert.True(file.LivePages < before, $"{file.LivePages} pages live, {before} before");
        Assert.Throws<InvalidOperationException>(() => file.Read(refs[0], out _));
        Assert.Equal(40_000, held.Length); // a reader's slice keeps its array
        Assert.Equal(40_000, file.Read(refs[9], out _).Bytes.Length);
    }

    [Fact]
    public void A_chunk_range_whose_span_a_chunk_header_cannot_hold_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Head(new HeadOptions { ChunkRange = (long)int.MaxValue + 1 }));
        Assert.Contains("ChunkRange", error.Message, StringComparison.Ordinal);
        using var largest = new Head(new HeadOptions { ChunkRange = int.MaxValue });
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
