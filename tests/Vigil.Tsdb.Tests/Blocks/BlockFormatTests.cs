using System.Buffers.Binary;
using System.Text.Json;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using Vigil.Wal;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// The files of a one-series block, byte for byte, against index.md and chunks.md (Prometheus's tsdb/docs/format).
/// The expected bytes are written out by hand from the docs; only the CRCs are computed.
/// </summary>
public sealed class BlockFormatTests
{
    [Fact]
    public void A_one_series_block_has_the_documented_bytes()
    {
        using var temp = new TempDirectory();
        using var chunk = new XorChunk();
        chunk.Append(1000, 1);
        chunk.Append(2000, 2);
        byte[] data = chunk.Bytes.ToArray();
        var series = new SeriesChunks(L("a", "b"), [new ChunkData(1000, 2000, data)]);
        var meta = BlockWriter.Write(temp.Path, [series], 0, 7200)!;
        string dir = Path.Combine(temp.Path, meta.Ulid.ToString());

        // chunks/000001: magic 0x85BD40DD, version 1, 3 bytes of padding; the chunk at offset 8 (ref 0<<32 | 8).
        byte[] segment = File.ReadAllBytes(Path.Combine(dir, "chunks", "000001"));
        var expectedSegment = new List<byte> { 0x85, 0xBD, 0x40, 0xDD, 1, 0, 0, 0, (byte)data.Length, 1 };
        expectedSegment.AddRange(data);
        expectedSegment.AddRange(Crc([1, .. data]));
        Assert.Equal(expectedSegment, segment);

        byte[] index = File.ReadAllBytes(Path.Combine(dir, "index"));
        var expected = new List<byte> { 0xBA, 0xAA, 0xD7, 0x00, 2 }; // magic, version 2

        // Symbol table at 5: len 8, #symbols 2, "a", "b", CRC of the 8 bytes.
        byte[] symbols = [0, 0, 0, 2, 1, (byte)'a', 1, (byte)'b'];
        expected.AddRange([0, 0, 0, 8, .. symbols, .. Crc(symbols)]);

        // Zero padding to 32, where the series starts: ref 32 / 16 = 2. #labels 1, a=0 b=1, #chunks 1,
        // mint 1000 (varint), maxt - mint 1000 (uvarint), chunk ref 8 (uvarint).
        expected.AddRange(new byte[32 - expected.Count]);
        byte[] entry = [1, 0, 1, 1, 0xD0, 0x0F, 0xE8, 0x07, 8];
        expected.AddRange([(byte)entry.Length, .. entry, .. Crc(entry)]);

        // Postings at 46: every series under ("", ""), then a=b; each len 8, #entries 1, ref 2, CRC.
        byte[] list = [0, 0, 0, 1, 0, 0, 0, 2];
        Assert.Equal(46, expected.Count);
        expected.AddRange([0, 0, 0, 8, .. list, .. Crc(list), 0, 0, 0, 8, .. list, .. Crc(list)]);

        // Postings offset table at 78: 2 entries of (2, name, value, offset).
        byte[] table = [0, 0, 0, 2, 2, 0, 0, 46, 2, 1, (byte)'a', 1, (byte)'b', 62];
        expected.AddRange([0, 0, 0, (byte)table.Length, .. table, .. Crc(table)]);

        // TOC: symbols 5, series 32, label indices 0, label offset table 0, postings 46, postings offset table 78.
        var toc = new byte[48];
        foreach (var (slot, value) in new[] { (0, 5UL), (1, 32UL), (4, 46UL), (5, 78UL) })
        {
            BinaryPrimitives.WriteUInt64BigEndian(toc.AsSpan(slot * 8), value);
        }

        expected.AddRange([.. toc, .. Crc(toc)]);
        Assert.Equal(expected, index);
    }

    [Fact]
    public void Meta_json_has_prometheus_fields_and_reads_back()
    {
        using var temp = new TempDirectory();
        var parent = Ulid.New();
        var meta = new BlockMeta(Ulid.New(), -5, 7200, new BlockStats(10, 2, 3), new BlockCompaction(2, [parent], [new BlockParent(parent, -5, 7200)]));
        string path = Path.Combine(temp.Path, "meta.json");
        File.WriteAllBytes(path, meta.ToJson());

        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = json.RootElement;
        Assert.Equal(meta.Ulid.ToString(), root.GetProperty("ulid").GetString());
        Assert.Equal(-5, root.GetProperty("minTime").GetInt64());
        Assert.Equal(7200, root.GetProperty("maxTime").GetInt64());
        Assert.Equal(10, root.GetProperty("stats").GetProperty("numSamples").GetInt64());
        Assert.Equal(2, root.GetProperty("stats").GetProperty("numSeries").GetInt64());
        Assert.Equal(3, root.GetProperty("stats").GetProperty("numChunks").GetInt64());
        Assert.Equal(2, root.GetProperty("compaction").GetProperty("level").GetInt32());
        Assert.Equal(parent.ToString(), root.GetProperty("compaction").GetProperty("sources")[0].GetString());
        Assert.Equal(parent.ToString(), root.GetProperty("compaction").GetProperty("parents")[0].GetProperty("ulid").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());

        var read = BlockMeta.Read(path);
        Assert.Equal(meta.Ulid, read.Ulid);
        Assert.Equal((meta.MinTime, meta.MaxTime, meta.Stats), (read.MinTime, read.MaxTime, read.Stats));
        Assert.Equal(meta.Compaction.Level, read.Compaction.Level);
        Assert.Equal(meta.Compaction.Sources, read.Compaction.Sources);
        Assert.Equal(meta.Compaction.Parents, read.Compaction.Parents);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"ulid\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"minTime\":0,\"maxTime\":1,\"compaction\":{\"level\":1},\"version\":2}")]
    [InlineData("{\"ulid\":\"nope\",\"minTime\":0,\"maxTime\":1,\"compaction\":{\"level\":1},\"version\":1}")]
    [InlineData("{\"minTime\":0,\"maxTime\":1,\"compaction\":{\"level\":1},\"version\":1}")]
    public void A_bad_meta_json_is_a_corrupt_block_naming_the_file(string json)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "meta.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<CorruptBlockException>(() => BlockMeta.Read(path));
        Assert.Equal(path, e.File);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "b", -1)]
    [InlineData("b", "a", 1)]
    [InlineData("a", "ab", -1)]
    [InlineData("\uE000", "\U0001F600", -1)] // ordinal UTF-16 says the other way round
    [InlineData("\uFFFF", "\U00010000", -1)]
    [InlineData("\uD7FF", "\uE000", -1)]
    [InlineData("é", "é", 0)]
    public void Utf8_order_is_the_order_of_the_utf8_bytes(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(Utf8Order.Instance.Compare(a, b)));
        Assert.Equal(expected, Math.Sign(System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b))));
    }

    private static byte[] Crc(byte[] bytes)
    {
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32C.Compute(bytes));
        return crc;
    }
}
