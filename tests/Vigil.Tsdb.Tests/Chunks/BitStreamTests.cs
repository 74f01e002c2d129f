using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

public sealed class BitStreamTests
{
    [Fact]
    public void Random_widths_read_back_as_written()
    {
        int seed = TestSeed.Next();
        var rng = new Random(seed);
        var writer = new BitWriter(1);
        try
        {
            var written = new List<(ulong Value, int Width)>();
            for (int i = 0; i < 5_000; i++)
            {
                int width = rng.Next(3) == 0 ? 1 : rng.Next(1, 65);
                ulong value = (ulong)rng.NextInt64() & (width == 64 ? ulong.MaxValue : (1UL << width) - 1);
                if (width == 1)
                {
                    writer.WriteBit(value == 1);
                }
                else
                {
                    // Bits above the width must be ignored by the writer.
                    writer.WriteBits(value | (width == 64 ? 0 : ulong.MaxValue << width), width);
                }

                written.Add((value, width));
            }

            var reader = new BitReader(writer.Bytes, 0);
            for (int i = 0; i < written.Count; i++)
            {
                var (value, width) = written[i];
                ulong read = width == 1 && (i % 2 == 0) ? (reader.ReadBit() ? 1UL : 0) : reader.ReadBits(width);
                Assert.True(read == value, ChunkAssert.Invariant($"{TestSeed.Describe(seed)}: item {i}, width {width}: wrote {value:x}, read {read:x}"));
            }

            Assert.Equal(writer.BitLength, reader.Position);
            Assert.False(reader.Overrun);
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Fact]
    public void Reading_past_the_end_yields_zeros_and_reports_the_overrun()
    {
        var reader = new BitReader([0xff], 4);
        Assert.Equal(0b1111UL, reader.ReadBits(4));
        Assert.False(reader.Overrun);
        Assert.False(reader.ReadBit());
        Assert.True(reader.Overrun);
        Assert.Equal(0UL, reader.ReadBits(64));
    }
}
