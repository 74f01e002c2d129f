using System.Globalization;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;
using Xunit.Abstractions;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// Head → block → reader, on random heads: random label sets (non-ASCII, newlines), samples with NaN payloads,
/// stale markers, -0 and late (out-of-order) samples, cut at random ranges (so chunks straddle them) into blocks
/// with small chunk segments. Every select, seek and label query on the block must answer what the head answers
/// for the block's range, bit for bit. Seeded: VIGIL_TEST_SEED replays a failure.
/// </summary>
public sealed class BlockRoundTripPropertyTests(ITestOutputHelper output)
{
    private const int Rounds = 10;

    private static readonly string[] Names = ["a", "b", "job", "zz"];

    private static readonly string[] Values = ["x", "y", "xy", "é", "日本", "\U0001F600", "\uE000", "a b", "y\nz"];

    private static readonly string[] Patterns = ["x", "x|y", "x|", "", ".*", ".+", "x.*", "[xy]+", "é|日本", "\U0001F600|\uE000", "y.z"];

    private static readonly ulong[] SpecialBits =
    [
        StaleNaNBits, 0x7ff8000000000001, 0xfff0000000000abc, Bits(-0.0), Bits(double.PositiveInfinity), Bits(double.Epsilon), Bits(0), Bits(1),
    ];

    [Fact]
    public void A_block_answers_what_the_head_answers_for_its_range()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        using var temp = new TempDirectory();
        for (int round = 0; round < Rounds; round++)
        {
            RunRound(rng, Path.Combine(temp.Path, round.ToString(CultureInfo.InvariantCulture)), $"{TestSeed.Describe(seed)}, round {round}");
        }
    }

    private static void RunRound(Random rng, string directory, string context)
    {
        var options = new HeadOptions
        {
            ChunkRange = rng.Next(2) == 0 ? 2000 : HeadOptions.DefaultChunkRange,
            SamplesPerChunk = rng.Next(3) switch { 0 => 4, 1 => 16, _ => 120 },
            OutOfOrderTimeWindow = rng.Next(2) == 0 ? 0 : 400,
        };
        using var head = new Head(options);
        Fill(head, rng);

        long mint = rng.Next(-100, 3000);
        long maxt = mint + rng.Next(1, 8000);
        var write = new BlockWriteOptions
        {
            ChunkSegmentSize = rng.Next(2) == 0 ? 300 : BlockFormat.DefaultChunkSegmentSize,
            Encoding = rng.Next(2) == 0 ? ChunkEncoding.Xor : ChunkEncoding.VigilDecimal,
        };
        var meta = BlockWriter.Write(directory, head.ChunksInRange(mint, maxt), mint, maxt, write);
        using var headQuerier = head.Querier();
        var inRange = Read(headQuerier, mint, maxt - 1);
        if (meta is null)
        {
            Assert.True(inRange.Count == 0, $"{context}: no block written, but the head has {inRange.Count} series in [{mint}, {maxt})");
            return;
        }

        Assert.Equal(inRange.Count, meta.Stats.NumSeries);
        Assert.Equal(inRange.Sum(s => s.Samples.Count), meta.Stats.NumSamples);
        using var block = Block.Open(BlockPath(directory, meta));
        using var querier = block.Querier();
        for (int q = 0; q < 25; q++)
        {
            var matchers = RandomSelector(rng);
            long qmint = mint + rng.Next(-200, 4000);
            long qmaxt = qmint + rng.Next(-10, 9000);
            string selector = $"{{{string.Join(", ", matchers.Select(m => m.ToString()))}}}";
            string where = $"{context}, query {q} {selector} [{qmint}, {qmaxt}] of block [{mint}, {maxt})";
            var expected = qmint > qmaxt ? [] : Read(headQuerier, Math.Max(qmint, mint), Math.Min(qmaxt, maxt - 1), matchers);
            var actual = Read(querier, qmint, qmaxt, matchers);
            Assert.True(Describe(expected) == Describe(actual), $"{where}\nexpected:\n{Describe(expected)}\nactual:\n{Describe(actual)}");
            CheckSeeks(querier, qmint, qmaxt, matchers, expected, rng, where);
            CheckPostings(block, matchers, where);
        }

        CheckLabels(querier, inRange, rng, context);
    }

    /// <summary>Random series; per series a run of samples with random gaps, some late, values often special.</summary>
    private static void Fill(Head head, Random rng)
    {
        int seriesCount = rng.Next(1, 30);
        for (int s = 0; s < seriesCount; s++)
        {
            var pairs = new List<string> { "__name__", "m" + rng.Next(4).ToString(CultureInfo.InvariantCulture) };
            foreach (string name in Names)
            {
                if (rng.Next(3) != 0)
                {
                    pairs.AddRange([name, Values[rng.Next(Values.Length)]]);
                }
            }

            var r = head.GetOrCreate(L([.. pairs]));
            long t = rng.Next(-50, 500);
            int samples = rng.Next(0, 250);
            for (int n = 0; n < samples; n++)
            {
                long at = rng.Next(8) == 0 ? t - rng.Next(1, 300) : (t += rng.Next(1, 60));
                ulong bits = rng.Next(4) == 0 ? SpecialBits[rng.Next(SpecialBits.Length)] : (ulong)rng.NextInt64();
                _ = head.Append(r, at, BitConverter.UInt64BitsToDouble(bits)); // late ones may be refused; the head is the reference
            }
        }
    }

    private static LabelMatcher[] RandomSelector(Random rng)
    {
        int count = rng.Next(0, 4);
        var matchers = new LabelMatcher[count];
        for (int i = 0; i < count; i++)
        {
            string name = rng.Next(5) == 0 ? "__name__" : Names[rng.Next(Names.Length)];
            string value = name == "__name__" ? "m" + rng.Next(5).ToString(CultureInfo.InvariantCulture) : Patterns[rng.Next(Patterns.Length)];
            matchers[i] = new LabelMatcher((LabelMatchType)rng.Next(4), name, value);
        }

        return matchers;
    }

    private static void CheckSeeks(IQuerier querier, long mint, long maxt, LabelMatcher[] matchers, List<(Labels Labels, List<(long T, ulong Bits)> Samples)> expected, Random rng, string where)
    {
        using var set = querier.Select(mint, maxt, null, matchers);
        for (int i = 0; set.MoveNext(); i++)
        {
            var samples = expected[i].Samples;
            var it = set.Current.Iterator();
            int current = 0;
            for (int step = 0; step < 6; step++)
            {
                long target = samples[rng.Next(samples.Count)].T + rng.Next(-3, 4);
                bool found = it.Seek(target);
                while (current < samples.Count && samples[current].T < target)
                {
                    current++;
                }

                Assert.True(found == current < samples.Count, $"{where}: Seek({target}) on {expected[i].Labels} returned {found}");
                if (!found)
                {
                    break;
                }

                Assert.True(it.At().Timestamp == samples[current].T && Bits(it.At().Value) == samples[current].Bits, $"{where}: Seek({target}) on {expected[i].Labels}");
                if (rng.Next(2) == 0)
                {
                    bool moved = it.Next();
                    current++;
                    Assert.True(moved == current < samples.Count, $"{where}: Next after Seek on {expected[i].Labels} returned {moved}");
                    if (!moved)
                    {
                        break;
                    }

                    Assert.True(it.At().Timestamp == samples[current].T, $"{where}: Next after Seek on {expected[i].Labels}");
                }
            }
        }
    }

    /// <summary>The block's postings shortcuts against testing every value.</summary>
    private static void CheckPostings(Block block, LabelMatcher[] matchers, string where) =>
        Assert.True(
            block.Index.PostingsForMatchers(matchers).SequenceEqual(block.Index.PostingsForMatchersWithoutShortcuts(matchers)),
            $"{where}: postings shortcuts disagree with testing every value");

    private static void CheckLabels(IQuerier querier, List<(Labels Labels, List<(long T, ulong Bits)> Samples)> all, Random rng, string context)
    {
        var names = all.SelectMany(s => s.Labels.AsSpan().ToArray().Select(l => l.Name)).Distinct().Order(StringComparer.Ordinal);
        Assert.True(names.SequenceEqual(querier.LabelNames()), $"{context}: label names");
        foreach (string name in Names.Append("__name__").Append("missing"))
        {
            var values = all.Select(s => s.Labels.Get(name)).Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal);
            Assert.True(values.SequenceEqual(querier.LabelValues(name)), $"{context}: values of {name}");

            var matcher = LabelMatcher.Regex(Names[rng.Next(Names.Length)], Patterns[rng.Next(Patterns.Length)]);
            var matched = all.Where(s => matcher.Matches(s.Labels)).ToList();
            var matchedValues = matched.Select(s => s.Labels.Get(name)).Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal);
            Assert.True(matchedValues.SequenceEqual(querier.LabelValues(name, matcher)), $"{context}: values of {name} for {matcher}");
            var matchedNames = matched.SelectMany(s => s.Labels.AsSpan().ToArray().Select(l => l.Name)).Distinct().Order(StringComparer.Ordinal);
            Assert.True(matchedNames.SequenceEqual(querier.LabelNames(matcher)), $"{context}: names for {matcher}");
        }
    }
}
