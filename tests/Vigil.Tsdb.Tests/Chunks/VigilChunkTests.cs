using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

/// <summary>The vigil-decimal block chunk: bit-exact round trips of every double class, and its size choices.</summary>
public sealed class VigilChunkTests
{
    private const int Iterations = 400;

    [Fact]
    public void Random_series_round_trip_bit_exact()
    {
        int seed = TestSeed.Next();
        var rng = new Random(seed);
        using var encoder = new VigilChunkEncoder();
        using var iterator = new VigilChunkIterator();
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var (samples, shape) = rng.Next(2) == 0 ? XorChunkPropertyTests.RandomSeries(rng) : DecimalSeries(rng);
            string context = ChunkAssert.Invariant($"{TestSeed.Describe(seed)}, iteration {iteration}, {shape}, {samples.Count} samples");
            RoundTrip(encoder, iterator, samples, context);
        }
    }

    [Fact]
    public void Every_special_double_round_trips_beside_decimals()
    {
        using var encoder = new VigilChunkEncoder();
        using var iterator = new VigilChunkIterator();
        var samples = new List<(long T, ulong Bits)>();
        long t = 1_700_000_000_000;
        foreach (ulong special in XorChunkTests.SpecialValueBits)
        {
            samples.Add((t += 15_000, BitConverter.DoubleToUInt64Bits(12.5)));
            samples.Add((t += 15_000, special));
            samples.Add((t += 15_001, BitConverter.DoubleToUInt64Bits(-0.001)));
        }

        RoundTrip(encoder, iterator, samples, "special values");
    }

    [Theory]
    [InlineData(0.1, 1)]
    [InlineData(12345.678, 3)]
    [InlineData(42.0, 0)]
    [InlineData(-7.25, 2)]
    [InlineData(1e-15, 15)]
    [InlineData(0.1 + 0.2, -1)] // 0.30000000000000004 needs 17 digits
    [InlineData(double.NaN, -1)]
    [InlineData(double.PositiveInfinity, -1)]
    [InlineData(-0.0, -1)]
    [InlineData(1e300, -1)]
    public void Smallest_decimal_scale(double value, int expected) =>
        Assert.Equal(expected, DecimalScale.SmallestScale(BitConverter.DoubleToUInt64Bits(value)));

    [Fact]
    public void Steady_counter_is_much_smaller_than_xor()
    {
        var samples = new List<(long T, ulong Bits)>();
        for (int i = 0; i < 480; i++)
        {
            samples.Add((1_700_000_000_000 + (i * 15_000L), BitConverter.DoubleToUInt64Bits(1_000_000 + (i * 4096.0))));
        }

        using var encoder = new VigilChunkEncoder();
        int vigil = Encode(encoder, samples).Length;
        using var xor = ChunkAssert.Encode(samples);
        Assert.True(vigil * 4 < xor.Bytes.Length, $"vigil {vigil} bytes, xor {xor.Bytes.Length}");
        Assert.True((Encode(encoder, samples)[2] & VigilChunkEncoder.FlagValueDoubleDelta) != 0, "a steady rate favours delta-of-delta");
    }

    [Fact]
    public void Truncated_and_flipped_chunks_throw_or_differ()
    {
        using var encoder = new VigilChunkEncoder();
        using var iterator = new VigilChunkIterator();
        var (samples, _) = DecimalSeries(new Random(7));
        byte[] bytes = Encode(encoder, samples).ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<CorruptChunkException>(() => iterator.Reset(bytes.AsMemory(0, length)));
            Assert.False(iterator.Next());
        }

        Assert.Throws<CorruptChunkException>(() => iterator.Reset(new byte[] { 0, 1, 0x40, 0 }));
    }

    [Fact]
    public void Seek_finds_the_first_sample_at_or_after()
    {
        using var encoder = new VigilChunkEncoder();
        using var iterator = new VigilChunkIterator();
        var samples = new List<(long T, ulong Bits)> { (10, 1), (20, 2), (30, 3) };
        iterator.Reset(Encode(encoder, samples).ToArray());
        Assert.True(iterator.Seek(15));
        Assert.Equal(20, iterator.At().Timestamp);
        Assert.True(iterator.Seek(5)); // never moves back
        Assert.Equal(20, iterator.At().Timestamp);
        Assert.False(iterator.Seek(31));
        Assert.False(iterator.Next());
    }

    internal static (List<(long T, ulong Bits)> Samples, string Shape) DecimalSeries(Random rng)
    {
        int count = rng.Next(1, 600);
        int digits = rng.Next(0, 5);
        double scale = Math.Pow(10, digits);
        long t = 1_700_000_000_000 + rng.Next();
        long mantissa = rng.NextInt64(-1_000_000, 1_000_000);
        var samples = new List<(long, ulong)>(count);
        for (int i = 0; i < count; i++)
        {
            mantissa += rng.Next(4) == 0 ? rng.Next(-1000, 1000) : rng.Next(0, 3);
            ulong bits = rng.Next(40) == 0
                ? XorChunkTests.SpecialValueBits[rng.Next(XorChunkTests.SpecialValueBits.Length)]
                : BitConverter.DoubleToUInt64Bits(mantissa / scale);
            samples.Add((t, bits));
            t += rng.Next(5) == 0 ? rng.Next(0, 100_000) : 15_000;
        }

        return (samples, ChunkAssert.Invariant($"decimal, {digits} digits"));
    }

    private static ReadOnlySpan<byte> Encode(VigilChunkEncoder encoder, IReadOnlyList<(long T, ulong Bits)> samples)
    {
        var timestamps = samples.Select(s => s.T).ToArray();
        var bits = samples.Select(s => s.Bits).ToArray();
        return encoder.Encode(timestamps, bits);
    }

    private static void RoundTrip(VigilChunkEncoder encoder, VigilChunkIterator iterator, IReadOnlyList<(long T, ulong Bits)> samples, string context)
    {
        iterator.Reset(Encode(encoder, samples).ToArray());
        Assert.Equal(samples.Count, iterator.Count);
        for (int i = 0; i < samples.Count; i++)
        {
            Assert.True(iterator.Next(), context);
            var (t, v) = iterator.At();
            ulong bits = BitConverter.DoubleToUInt64Bits(v);
            if (t != samples[i].T || bits != samples[i].Bits)
            {
                Assert.Fail(ChunkAssert.Invariant($"{context}: sample {i}: expected ({samples[i].T}, 0x{samples[i].Bits:x16}), got ({t}, 0x{bits:x16})"));
            }
        }

        Assert.False(iterator.Next(), context);
    }
}
