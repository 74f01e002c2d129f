using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

/// <summary>Random series, seeded (the seed is in every failure; VIGIL_TEST_SEED replays one).</summary>
public sealed class XorChunkPropertyTests
{
    private const int Iterations = 400;

    [Fact]
    public void Random_series_round_trip_bit_exact()
    {
        int seed = TestSeed.Next();
        var rng = new Random(seed);
        using var reused = new XorChunk();
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var (samples, shape) = RandomSeries(rng);
            string context = ChunkAssert.Invariant($"{TestSeed.Describe(seed)}, iteration {iteration}, {shape}, {samples.Count} samples");
            reused.Reset();
            foreach (var (t, bits) in samples)
            {
                reused.Append(t, BitConverter.UInt64BitsToDouble(bits));
            }

            ChunkAssert.RoundTrips(reused, samples, context);
        }
    }

    [Fact]
    public void Random_seeks_agree_with_a_linear_model()
    {
        int seed = TestSeed.Next();
        var rng = new Random(seed);
        for (int iteration = 0; iteration < Iterations / 4; iteration++)
        {
            var (samples, _) = RandomSeries(rng, sorted: true);
            using var chunk = ChunkAssert.Encode(samples);
            var it = chunk.Iterator();
            int current = -1; // index of the model's current sample; Count = exhausted
            for (int step = 0; step < 30 && current < samples.Count; step++)
            {
                long target = samples[rng.Next(samples.Count)].T + rng.Next(-2, 3);
                bool found = it.Seek(target);
                if (current < 0 || samples[current].T < target)
                {
                    current = Math.Max(current, 0);
                    while (current < samples.Count && samples[current].T < target)
                    {
                        current++;
                    }
                }

                string context = ChunkAssert.Invariant($"{TestSeed.Describe(seed)}, iteration {iteration}, step {step}, Seek({target})");
                Assert.True(found == current < samples.Count, context);
                if (found)
                {
                    Assert.True(it.At().Timestamp == samples[current].T, context);
                    Assert.True(BitConverter.DoubleToUInt64Bits(it.At().Value) == samples[current].Bits, context);
                }
            }
        }
    }

    internal static (List<(long T, ulong Bits)> Samples, string Shape) RandomSeries(Random rng, bool sorted = false)
    {
        int count = rng.Next(5) == 0 ? rng.Next(1, 1500) : rng.Next(1, XorChunk.DefaultSamplesPerChunk + 1);
        int gaps = rng.Next(sorted ? 4 : 6);
        int values = rng.Next(6);
        long t = rng.Next(3) switch
        {
            0 => 0,
            1 => 1_700_000_000_000 + rng.Next(),
            _ => rng.NextInt64(long.MinValue, long.MaxValue),
        };
        if (sorted)
        {
            t = Math.Min(t, long.MaxValue / 2); // keep sorted series from wrapping around
        }

        long step = rng.Next(1, 60_000);
        double value = rng.NextDouble() * 1000;
        var samples = new List<(long, ulong)>(count);
        for (int i = 0; i < count; i++)
        {
            samples.Add((t, NextValue(rng, values, ref value)));
            t = unchecked(t + NextGap(rng, gaps, step));
        }

        return (samples, ChunkAssert.Invariant($"gaps {gaps}, values {values}"));
    }

    private static long NextGap(Random rng, int kind, long step) => kind switch
    {
        0 => step + rng.Next(-25, 26), // scrape interval with jitter
        1 => rng.Next(3) == 0 ? 0 : rng.Next(1, 3), // 0, 1 and 2 ms gaps
        2 => rng.Next(4) switch // a gap that needs each dod bucket
        {
            0 => rng.Next(1, 8_000),
            1 => rng.Next(8_000, 65_000),
            2 => rng.Next(65_000, 520_000),
            _ => rng.NextInt64(520_000, 1L << 40),
        },
        3 => rng.Next(2) == 0 ? step : step * rng.Next(1, 1000), // regular, with missed scrapes
        4 => rng.NextInt64(-1_000_000, 1_000_000), // out of order, negative deltas
        _ => rng.NextInt64(long.MinValue, long.MaxValue), // anything, wrapping
    };

    private static ulong NextValue(Random rng, int kind, ref double walk)
    {
        switch (kind)
        {
            case 0: // counter incrementing irregularly
                walk = Math.Floor(walk) + rng.Next(0, 3) * rng.Next(0, 100);
                return BitConverter.DoubleToUInt64Bits(walk);
            case 1: // gauge, random walk
                walk += (rng.NextDouble() - 0.5) * 10;
                return BitConverter.DoubleToUInt64Bits(walk);
            case 2: // any bits at all: NaN payloads, subnormals, infinities
                return (ulong)rng.NextInt64(long.MinValue, long.MaxValue);
            case 3: // mostly constant, with the special values
                return rng.Next(4) == 0
                    ? XorChunkTests.SpecialValueBits[rng.Next(XorChunkTests.SpecialValueBits.Length)]
                    : BitConverter.DoubleToUInt64Bits(1);
            case 4: // small integers (0/1 gauges, up)
                return BitConverter.DoubleToUInt64Bits(rng.Next(0, 3));
            default: // bits differing from the last in one random run of bits
                int low = rng.Next(64);
                int width = rng.Next(1, 65 - low);
                ulong mask = width == 64 ? ulong.MaxValue : ((1UL << width) - 1) << low;
                walk = BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(walk) ^ (mask & (ulong)rng.NextInt64()));
                return BitConverter.DoubleToUInt64Bits(walk);
        }
    }
}
