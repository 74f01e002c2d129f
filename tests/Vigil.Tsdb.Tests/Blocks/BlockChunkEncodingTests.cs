using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// Blocks in either chunk encoding (block_chunk_encoding): what is written is what the option asks for (XOR kept
/// where it is smaller), compaction reads a mix of both, and every path answers what the head answers.
/// </summary>
public sealed class BlockChunkEncodingTests
{
    private const long TwoHours = 2 * 3_600_000;

    private static readonly BlockWriteOptions Vigil = new() { Encoding = ChunkEncoding.VigilDecimal };
    private static readonly BlockWriteOptions Xor = new() { Encoding = ChunkEncoding.Xor };

    [Theory]
    [InlineData((byte)ChunkEncoding.VigilDecimal)]
    [InlineData((byte)ChunkEncoding.Xor)]
    public void Mixed_blocks_compact_into_the_configured_encoding(byte encoding)
    {
        var target = (ChunkEncoding)encoding;
        using var temp = new TempDirectory();
        using var head = NodeLikeHead();
        string expected = Describe(Read(head.Querier(), 0, (3 * TwoHours) - 1));
        using var blocks = BlockDirectory.Open(temp.Path);
        for (int i = 0; i < 3; i++)
        {
            blocks.WriteBlock(head.ChunksInRange(i * TwoHours, (i + 1) * TwoHours), i * TwoHours, (i + 1) * TwoHours, i == 1 ? Xor : Vigil);
        }

        using (var mixed = blocks.Querier())
        {
            Assert.Equal(expected, Describe(Read(mixed, long.MinValue, long.MaxValue)));
        }

        var options = new CompactorOptions { Write = new BlockWriteOptions { Encoding = target } };
        var compacted = new Compactor(blocks, options).Compact(blocks.Blocks.ToList())!;
        using var after = compacted.Querier();
        Assert.Equal(expected, Describe(Read(after, long.MinValue, long.MaxValue)));
        var counts = EncodingCounts(compacted);
        if (target == ChunkEncoding.Xor)
        {
            Assert.Equal(0, counts.GetValueOrDefault(ChunkEncoding.VigilDecimal));
        }
        else
        {
            // Decimal series go vigil; the series of random doubles stay XOR, which is smaller for them.
            Assert.True(counts.GetValueOrDefault(ChunkEncoding.VigilDecimal) > counts.GetValueOrDefault(ChunkEncoding.Xor), string.Join(", ", counts));
            Assert.True(counts.GetValueOrDefault(ChunkEncoding.Xor) > 0, string.Join(", ", counts));
        }
    }

    [Fact]
    public void A_vigil_block_is_smaller_than_an_xor_block_of_the_same_head()
    {
        using var temp = new TempDirectory();
        using var head = NodeLikeHead();
        var vigil = Cut(head, Path.Combine(temp.Path, "vigil"), 0, TwoHours, Vigil);
        var xor = Cut(head, Path.Combine(temp.Path, "xor"), 0, TwoHours, Xor);
        long vigilBytes = ChunkBytes(Path.Combine(temp.Path, "vigil"), vigil);
        long xorBytes = ChunkBytes(Path.Combine(temp.Path, "xor"), xor);
        Assert.Equal(xor.Stats.NumSamples, vigil.Stats.NumSamples);
        // The series of random doubles costs the same in both (it stays XOR); the rest shrink to about a third.
        Assert.True(vigilBytes * 10 < xorBytes * 6, $"vigil {vigilBytes} bytes, xor {xorBytes}");
    }

    [Theory]
    [InlineData((byte)ChunkEncoding.VigilDecimal)]
    [InlineData((byte)ChunkEncoding.Xor)]
    public async Task Local_storage_cuts_blocks_in_its_block_chunk_encoding(byte encoding)
    {
        using var temp = new TempDirectory();
        var options = new LocalStorageOptions(temp.Path, 0) { ChunkRangeMs = 60_000, BlockChunkEncoding = (ChunkEncoding)encoding };
        using var storage = new LocalStorage(options);
        var series = storage.Head.GetOrCreate(L("__name__", "a"));
        var samples = new List<(long T, ulong Bits)>();
        for (long t = 0; t < 300_000; t += 1_000)
        {
            Assert.Equal(AppendError.None, storage.Head.Append(series, t, t / 1000.0));
            samples.Add((t, BitConverter.DoubleToUInt64Bits(t / 1000.0)));
        }

        await storage.MaintainAsync();
        Assert.NotEmpty(storage.Blocks.Blocks);
        foreach (var block in storage.Blocks.Blocks)
        {
            Assert.Equal([(ChunkEncoding)encoding], EncodingCounts(block).Keys);
        }

        using var querier = storage.Querier();
        Assert.Equal(Describe([(L("__name__", "a"), samples)]), Describe(Read(querier, long.MinValue, long.MaxValue)));
        Assert.Equal(ChunkEncoding.VigilDecimal, new LocalStorageOptions(temp.Path, 0).BlockChunkEncoding); // the default
    }

    [Fact]
    public void An_unknown_encoding_byte_is_reported_as_corrupt()
    {
        using var temp = new TempDirectory();
        string chunks = Path.Combine(temp.Path, "chunks");
        using (var writer = new ChunkSegmentWriter(chunks))
        {
            writer.Write([0, 1, 0, 0], (ChunkEncoding)0x81);
            writer.Finish();
        }

        using var reader = ChunkSegmentReader.Open(chunks);
        var error = Assert.Throws<CorruptBlockException>(() => reader.Chunk(BlockFormat.ChunkRef(0, BlockFormat.ChunkSegmentHeaderSize)));
        Assert.Contains("unsupported chunk encoding 129", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Counters, gauges with two decimals, stale markers, and one series of random doubles.</summary>
    private static Head NodeLikeHead()
    {
        var head = new Head();
        var rng = new Random(5);
        for (int s = 0; s < 8; s++)
        {
            var r = head.GetOrCreate(L("__name__", "m", "s", s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            double counter = rng.Next(1000);
            for (long t = 0; t < 3 * TwoHours; t += 15_000)
            {
                counter += rng.Next(0, 50);
                double v = s switch
                {
                    0 => rng.NextDouble(),
                    1 => Math.Round(rng.NextDouble() * 100, 2),
                    _ => counter,
                };
                Assert.Equal(AppendError.None, head.Append(r, t, t == TwoHours + 30_000 ? StaleNaN : v));
            }
        }

        return head;
    }

    private static Dictionary<ChunkEncoding, int> EncodingCounts(Block block)
    {
        var counts = new Dictionary<ChunkEncoding, int>();
        var entry = new SeriesEntry();
        foreach (ulong series in block.Index.PostingsForMatchers([]))
        {
            block.Index.ReadSeries(series, entry);
            foreach (var chunk in entry.Chunks)
            {
                _ = block.Chunks.Chunk(chunk.Ref, out var encoding);
                counts[encoding] = counts.GetValueOrDefault(encoding) + 1;
            }
        }

        return counts;
    }

    private static long ChunkBytes(string directory, BlockMeta meta) =>
        new DirectoryInfo(Path.Combine(BlockPath(directory, meta), BlockFormat.ChunksDirectoryName)).GetFiles().Sum(f => f.Length);
}
