using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

public sealed class XorChunkTests
{
    /// <summary>Doubles whose bits an encoder could lose by treating them as numbers.</summary>
    internal static readonly ulong[] SpecialValueBits =
    [
        0x0000000000000000, // 0.0
        0x8000000000000000, // -0.0
        0x3ff8000000000000, // 1.5
        0xbff8000000000000, // -1.5
        0x7ff0000000000002, // Prometheus's stale marker (model/value.StaleNaN)
        0x7ff8000000000001, // Prometheus's normal NaN (model/value.NormalNaN)
        0xfff8000000000000, // .NET's double.NaN: negative quiet NaN
        0x7ff8000000000000, // positive quiet NaN
        0x7ff0000000000001, // signalling NaN, smallest payload
        0x7fffffffffffffff, // NaN, every payload bit set
        0xffffffffffffffff, // negative NaN, every bit set
        0xfff0000000000001, // negative signalling NaN
        0x7ff0000000000000, // +Inf
        0xfff0000000000000, // -Inf
        0x0000000000000001, // double.Epsilon (smallest subnormal)
        0x8000000000000001, // -double.Epsilon
        0x000fffffffffffff, // largest subnormal
        0x0010000000000000, // smallest normal
        0x7fefffffffffffff, // double.MaxValue
        0xffefffffffffffff, // double.MinValue
        0x3ff0000000000001, // 1 + ulp: one trailing bit
        0x4341c37937e08000, // 1e16, a typical large counter
    ];

    [Fact]
    public void Special_values_round_trip_bit_exact_in_any_order()
    {
        var forward = SpecialValueBits.Select((bits, i) => ((long)i * 15_000, bits)).ToList();
        ChunkAssert.RoundTrips(forward, "forward");
        var backward = SpecialValueBits.Reverse().Select((bits, i) => ((long)i * 15_000, bits)).ToList();
        ChunkAssert.RoundTrips(backward, "backward");

        // Every ordered pair, repeated, walks the leading/trailing window through reuse and renewal.
        foreach (ulong a in SpecialValueBits)
        {
            foreach (ulong b in SpecialValueBits)
            {
                ulong[] pattern = [a, b, a, b, b, a, a];
                var samples = pattern.Select((bits, i) => (1_700_000_000_000L + i, bits)).ToList();
                ChunkAssert.RoundTrips(samples, ChunkAssert.Invariant($"pair 0x{a:x16}, 0x{b:x16}"));
            }
        }
    }

    [Theory]
    [InlineData("regular 15 s", new long[] { 1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000, 1_700_000_045_000 })]
    [InlineData("zero gaps", new long[] { 5, 5, 5, 5, 5 })]
    [InlineData("gaps of 1", new long[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("huge jumps", new long[] { 0, 1, 1L << 40, (1L << 40) + 1, 1L << 62, 1L << 62 })]
    [InlineData("negative delta-of-delta", new long[] { 0, 1_000_000, 1_000_001, 1_000_002, 3_000_000, 3_000_001 })]
    [InlineData("decreasing", new long[] { 100, 90, 95, 10, -5, -1_000_000_000_000 })]
    [InlineData("extremes (deltas wrap)", new long[] { long.MinValue, long.MaxValue, 0, long.MinValue, -1, long.MaxValue, long.MaxValue })]
    [InlineData("negative start", new long[] { -1, -2, -3, 7 })]
    [InlineData("single sample", new long[] { 42 })]
    public void Irregular_timestamps_round_trip(string name, long[] timestamps)
    {
        var samples = timestamps.Select((t, i) => (t, SpecialValueBits[i % SpecialValueBits.Length])).ToList();
        ChunkAssert.RoundTrips(samples, name);
    }

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(1L, 16)]
    [InlineData(-1L, 16)]
    [InlineData(8192L, 16)] // 14 bits hold -8191..8192 (Prometheus's bitRange)
    [InlineData(-8191L, 16)]
    [InlineData(8193L, 20)]
    [InlineData(-8192L, 20)]
    [InlineData(65536L, 20)] // 17 bits: -65535..65536
    [InlineData(-65535L, 20)]
    [InlineData(65537L, 24)]
    [InlineData(-65536L, 24)]
    [InlineData(524288L, 24)] // 20 bits: -524287..524288
    [InlineData(-524287L, 24)]
    [InlineData(524289L, 68)] // else 64 bits
    [InlineData(-524288L, 68)]
    [InlineData(1L << 50, 68)]
    [InlineData(long.MinValue / 2, 68)]
    public void Delta_of_delta_takes_the_smallest_bucket_it_fits(long dod, int dodBits)
    {
        // Constant values cost one bit each; everything else is fixed, so the size isolates the dod's bucket.
        long t2 = 20 + dod;
        (long, ulong)[] samples = [(0, 0), (10, 0), (t2, 0), (t2 + 10 + dod, 0)];
        using var chunk = ChunkAssert.Encode(samples);

        // Header 16, varint t0 8, value 64, uvarint delta 8, same value 1; then the dod and 1 value bit; then
        // dod 0 (1 bit) and 1 value bit.
        Assert.Equal(16 + 8 + 64 + 8 + 1 + dodBits + 1 + 1 + 1, chunk.BitLength);
        ChunkAssert.RoundTrips(chunk, samples, ChunkAssert.Invariant($"dod {dod}"));
    }

    [Fact]
    public void A_full_chunk_of_120_samples_round_trips_and_the_header_counts_them()
    {
        var rng = new Random(120);
        double counter = 0;
        var samples = new List<(long, ulong)>();
        for (int i = 0; i < XorChunk.DefaultSamplesPerChunk; i++)
        {
            counter += rng.Next(0, 50);
            samples.Add((1_700_000_000_000 + (i * 15_000L) + rng.Next(-20, 20), BitConverter.DoubleToUInt64Bits(counter)));
        }

        using var chunk = ChunkAssert.Encode(samples);
        Assert.Equal(120, (chunk.Bytes[0] << 8) | chunk.Bytes[1]);
        ChunkAssert.RoundTrips(chunk, samples);
    }

    [Fact]
    public void The_header_limits_a_chunk_to_65535_samples()
    {
        using var chunk = new XorChunk();
        for (int i = 0; i < XorChunk.MaxSamples; i++)
        {
            chunk.Append(i, i % 3);
        }

        Assert.Equal(0xffff, (chunk.Bytes[0] << 8) | chunk.Bytes[1]);
        Assert.Throws<InvalidOperationException>(() => chunk.Append(XorChunk.MaxSamples, 0));
        var it = chunk.Iterator();
        int read = 0;
        while (it.Next())
        {
            Assert.Equal((read, (double)(read % 3)), it.At());
            read++;
        }

        Assert.Equal(XorChunk.MaxSamples, read);
    }

    [Fact]
    public void A_reset_chunk_encodes_exactly_like_a_new_one()
    {
        (long, ulong)[] first = [(1, 0x7ff0000000000002), (2, 0xfff8000000000000), (1 << 30, 1)];
        (long, ulong)[] second = [(10, 0x3ff0000000000000), (25, 0x4000000000000000), (40, 0x4000000000000000)];
        using var reused = ChunkAssert.Encode(first);
        reused.Reset();
        Assert.Equal(0, reused.Count);
        Assert.False(reused.Iterator().Next());
        foreach (var (t, bits) in second)
        {
            reused.Append(t, BitConverter.UInt64BitsToDouble(bits));
        }

        using var fresh = ChunkAssert.Encode(second);
        Assert.Equal(fresh.Bytes.ToArray(), reused.Bytes.ToArray());
        ChunkAssert.RoundTrips(reused, second);
    }

    [Fact]
    public void Growing_from_a_tiny_buffer_keeps_every_byte()
    {
        var samples = Enumerable.Range(0, 500)
            .Select(i => ((long)i * i * 7919, (ulong)i * 0x9e3779b97f4a7c15)) // every value changes all bits
            .ToList();
        using var chunk = new XorChunk(initialBytes: 1);
        foreach (var (t, bits) in samples)
        {
            chunk.Append(t, BitConverter.UInt64BitsToDouble(bits));
        }

        ChunkAssert.RoundTrips(chunk, samples);
    }

    [Fact]
    public void An_iterator_passed_back_is_reset_and_reused()
    {
        using var a = ChunkAssert.Encode([(1, 0), (2, 0)]);
        using var b = ChunkAssert.Encode([(7, 0x4000000000000000)]);
        var it = a.Iterator();
        Assert.True(it.Next() && it.Next());
        Assert.Same(it, b.Iterator(it));
        Assert.True(it.Next());
        Assert.Equal((7L, 2.0), it.At());
        Assert.False(it.Next());
    }

    [Fact]
    public void An_iterator_sees_the_samples_present_when_it_was_reset()
    {
        using var chunk = ChunkAssert.Encode([(1, 0), (2, 0)]);
        var it = chunk.Iterator();
        Assert.Equal(2, it.Count);
        chunk.Append(3, 0);
        Assert.Equal(2, it.Count);
        Assert.Equal(3, chunk.Iterator().Count);
    }
}
