using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

/// <summary>Prometheus's chunkenc.Iterator semantics: Seek finds the first sample at or after t and never moves back.</summary>
public sealed class XorIteratorSeekTests
{
    /// <summary>Runs "n" (Next) and "sT" (Seek(T)) steps; each expects "tT" (at timestamp T) or "end".</summary>
    [Theory]
    [InlineData("s5 t10", "s10 t10", "s11 t20", "s5 t20", "n t30", "s100 t100", "s101 end", "n end", "s0 end")]
    [InlineData("s100 t100", "n end")]
    [InlineData("s1000 end", "n end", "s0 end")]
    [InlineData("n t10", "n t20", "s20 t20", "s-5 t20", "s21 t30")]
    [InlineData("s-9223372036854775808 t10", "s30 t30", "s30 t30", "n t40")]
    public void Steps_on_a_chunk_of_10_20_to_100(params string[] steps)
    {
        using var chunk = new XorChunk();
        for (long t = 10; t <= 100; t += 10)
        {
            chunk.Append(t, t / 10.0);
        }

        var it = chunk.Iterator();
        foreach (string step in steps)
        {
            string[] parts = step.Split(' ');
            bool found = parts[0][0] == 'n' ? it.Next() : it.Seek(long.Parse(parts[0][1..], System.Globalization.CultureInfo.InvariantCulture));
            if (parts[1] == "end")
            {
                Assert.False(found, step);
                continue;
            }

            Assert.True(found, step);
            long t = long.Parse(parts[1][1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((t, t / 10.0), it.At());
        }
    }

    [Fact]
    public void An_empty_chunk_has_nothing_to_seek()
    {
        using var chunk = new XorChunk();
        var it = chunk.Iterator();
        Assert.False(it.Seek(long.MinValue));
        Assert.False(it.Next());
    }

    [Fact]
    public void Seek_stays_on_the_current_duplicate_timestamp()
    {
        using var chunk = ChunkAssert.Encode([(10, 0x3ff0000000000000), (10, 0x4000000000000000), (20, 0)]);
        var it = chunk.Iterator();
        Assert.True(it.Seek(10));
        Assert.Equal((10L, 1.0), it.At());
        Assert.True(it.Next());
        Assert.True(it.Seek(10));
        Assert.Equal((10L, 2.0), it.At());
    }
}
