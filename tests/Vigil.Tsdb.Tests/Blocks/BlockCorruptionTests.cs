using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// Damage to a block file is found and named, never crashes and never changes an answer: every byte of the index
/// and of a chunk segment is flipped in turn, and opening and reading the whole block must then either throw
/// <see cref="CorruptBlockException"/> naming that file (or its chunks directory) with an offset inside it, or
/// return exactly what the intact block returns (a flip in padding, which no reader looks at).
/// </summary>
public sealed class BlockCorruptionTests
{
    [Theory]
    [InlineData("index")]
    [InlineData("chunks/000001")]
    public void Every_flipped_byte_is_reported_as_corruption_or_changes_nothing(string file)
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 3, samples: 40, value: (s, n) => n % 5 == 0 ? double.NaN : (s * 7.5) + n);
        var meta = Cut(head, temp.Path, 0, 40 * Step);
        string dir = BlockPath(temp.Path, meta);
        string path = Path.Combine(dir, file);
        string intact = ReadAll(dir);

        byte[] bytes = File.ReadAllBytes(path);
        int detected = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80 })
            {
                bytes[i] ^= mask;
                File.WriteAllBytes(path, bytes);
                try
                {
                    string answer = ReadAll(dir);
                    Assert.True(intact == answer, $"{file}: flipping {mask:x2} at {i} changed the answer without an error");
                }
                catch (CorruptBlockException e)
                {
                    detected++;
                    Assert.True(e.File == path || e.File == Path.GetDirectoryName(path), $"{file}: flipping {mask:x2} at {i} blamed {e.File}: {e.Message}");
                    Assert.InRange(e.Offset, 0, bytes.Length);
                    Assert.Contains(e.File, e.Message, StringComparison.Ordinal);
                }
                finally
                {
                    bytes[i] ^= mask;
                }
            }
        }

        File.WriteAllBytes(path, bytes);
        Assert.Equal(intact, ReadAll(dir));
        Assert.True(detected > bytes.Length, $"{file}: only {detected} of {2 * bytes.Length} flips were detected");
    }

    [Fact]
    public void A_truncated_index_or_segment_is_reported_with_its_file()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 2, samples: 10);
        var meta = Cut(head, temp.Path, 0, 10 * Step);
        string dir = BlockPath(temp.Path, meta);
        foreach (string file in new[] { "index", "chunks/000001" })
        {
            string path = Path.Combine(dir, file);
            byte[] bytes = File.ReadAllBytes(path);
            foreach (int length in new[] { 0, 3, 7, bytes.Length / 2, bytes.Length - 1 })
            {
                File.WriteAllBytes(path, bytes[..length]);
                var e = Assert.Throws<CorruptBlockException>(() => ReadAll(dir));
                Assert.True(e.File == path || e.File == Path.GetDirectoryName(path), $"{file} cut to {length} blamed {e.File}");
            }

            File.WriteAllBytes(path, bytes);
        }
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_name()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 1, samples: 10);
        var meta = Cut(head, temp.Path, 0, 10 * Step);
        string dir = BlockPath(temp.Path, meta);
        File.Delete(Path.Combine(dir, "meta.json"));
        var e = Assert.Throws<CorruptBlockException>(() => Block.Open(dir));
        Assert.EndsWith("meta.json", e.File, StringComparison.Ordinal);
    }

    /// <summary>Opens the block and reads everything: every series with its samples, the label names and values.</summary>
    private static string ReadAll(string dir)
    {
        using var block = Block.Open(dir);
        using var querier = block.Querier();
        var names = querier.LabelNames();
        return Describe(Read(querier, long.MinValue, long.MaxValue))
            + "\n" + string.Join(",", names)
            + "\n" + string.Join(";", names.Select(n => string.Join(",", querier.LabelValues(n))))
            + "\n" + Describe(Read(querier, long.MinValue, long.MaxValue, LabelMatcher.Equal("i", "0001")));
    }
}
