using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>What the writer refuses, and that a refused or empty write leaves nothing behind.</summary>
public sealed class BlockWriterTests
{
    [Theory]
    [InlineData("unsorted")]
    [InlineData("repeated")]
    [InlineData("before the range")]
    [InlineData("at the range's end")]
    [InlineData("overlapping chunks")]
    public void Bad_input_is_refused_and_leaves_no_directory(string bad)
    {
        using var temp = new TempDirectory();
        var a = Series("a", (0, 10), (20, 30));
        var b = Series("b", (0, 10));
        SeriesChunks[] input = bad switch
        {
            "unsorted" => [b, a],
            "repeated" => [a, a],
            "before the range" => [Series("a", (-1, 10))],
            "at the range's end" => [Series("a", (0, 100))],
            _ => [Series("a", (0, 10), (10, 20))],
        };

        Assert.Throws<ArgumentException>(() => BlockWriter.Write(temp.Path, input, 0, 100));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Nothing_is_written_without_a_chunk_and_an_empty_range_is_refused()
    {
        using var temp = new TempDirectory();
        Assert.Null(BlockWriter.Write(temp.Path, [], 0, 100));
        Assert.Null(BlockWriter.Write(temp.Path, [new SeriesChunks(L("a", "b"), [])], 0, 100));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
        Assert.Throws<ArgumentException>(() => BlockWriter.Write(temp.Path, [Series("a", (0, 10))], 100, 100));
    }

    [Fact]
    public void Chunks_spill_into_new_segments_and_their_refs_name_them()
    {
        using var temp = new TempDirectory();
        var series = Enumerable.Range(0, 50).Select(i => Series("s" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), (0, 10), (20, 30))).ToList();
        var meta = BlockWriter.Write(temp.Path, series, 0, 100, new BlockWriteOptions { ChunkSegmentSize = 200 })!;
        string chunks = Path.Combine(temp.Path, meta.Ulid.ToString(), "chunks");
        var files = Directory.GetFiles(chunks).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 5);
        Assert.Equal(Enumerable.Range(1, files.Count).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)), files);
        Assert.All(files, f => Assert.InRange(new FileInfo(Path.Combine(chunks, f!)).Length, 9, 200));

        using var block = Block.Open(Path.Combine(temp.Path, meta.Ulid.ToString()));
        using var querier = block.Querier();
        Assert.Equal(200, BlockKit.Read(querier, 0, 100).Sum(s => s.Samples.Count));
    }

    /// <summary>A series <c>{__name__=name}</c> with one chunk per range, each holding its two end samples.</summary>
    private static SeriesChunks Series(string name, params (long Min, long Max)[] ranges)
    {
        var chunks = new List<ChunkData>();
        foreach (var (min, max) in ranges)
        {
            using var chunk = new XorChunk();
            chunk.Append(min, 1);
            chunk.Append(max, 2);
            chunks.Add(new ChunkData(min, max, chunk.Bytes.ToArray()));
        }

        return new SeriesChunks(L("__name__", name), chunks);
    }
}
