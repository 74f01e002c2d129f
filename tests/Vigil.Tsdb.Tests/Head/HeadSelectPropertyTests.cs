using System.Globalization;
using Xunit.Abstractions;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

/// <summary>
/// Random appends (in order, late, repeated, stale markers) against a small model of the append rules, then random
/// selects and seeks against the model. Seeded: the seed is in every failure; VIGIL_TEST_SEED replays one.
/// </summary>
public sealed class HeadSelectPropertyTests(ITestOutputHelper output)
{
    private const int Rounds = 30;

    [Fact]
    public void Appends_and_selects_agree_with_a_model()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        for (int round = 0; round < Rounds; round++)
        {
            RunRound(rng, string.Create(CultureInfo.InvariantCulture, $"{TestSeed.Describe(seed)}, round {round}"));
        }
    }

    private static void RunRound(Random rng, string context)
    {
        var options = new HeadOptions
        {
            ChunkRange = rng.Next(3) switch { 0 => 100, 1 => 1000, _ => HeadOptions.DefaultChunkRange },
            SamplesPerChunk = rng.Next(3) switch { 0 => 4, 1 => 16, _ => 120 },
            OutOfOrderTimeWindow = rng.Next(3) switch { 0 => 0, 1 => 300, _ => 100_000 },
        };
        using var head = new Head(options);
        var model = new Model(options.OutOfOrderTimeWindow);
        int seriesCount = rng.Next(1, 12);
        var labels = new Labels[seriesCount];
        var refs = new SeriesRef[seriesCount];
        for (int i = 0; i < seriesCount; i++)
        {
            labels[i] = L("__name__", "m" + (i % 3).ToString(CultureInfo.InvariantCulture), "i", i.ToString(CultureInfo.InvariantCulture));
            refs[i] = head.GetOrCreate(labels[i]);
        }

        double[] values = [0, 1, 2.5, -0.0, StaleNaN, double.NaN];
        var lastT = new long[seriesCount];
        int appends = rng.Next(50, 600);
        for (int n = 0; n < appends; n++)
        {
            int s = rng.Next(seriesCount);
            long t = rng.Next(10) switch
            {
                < 6 => lastT[s] + rng.Next(1, 40), // in order
                < 8 => lastT[s] - rng.Next(0, 500), // late, or a repeat of the newest
                _ => lastT[s], // the newest again
            };
            lastT[s] = Math.Max(lastT[s], t);
            double v = values[rng.Next(values.Length)];
            var expected = model.Append(s, t, Bits(v));
            var actual = head.Append(refs[s], t, v);
            Assert.True(expected == actual, $"{context}: append {n} to series {s} at {t}: model {expected}, head {actual}");
        }

        for (int q = 0; q < 20; q++)
        {
            long mint = rng.Next(-100, 6000);
            long maxt = mint + rng.Next(-10, 8000);
            int metric = rng.Next(4);
            LabelMatcher[] matchers = metric == 3
                ? [LabelMatcher.Regex("i", "1|3|5|7|9")]
                : [LabelMatcher.Equal("__name__", "m" + metric.ToString(CultureInfo.InvariantCulture))];
            CheckSelect(head, model, labels, mint, maxt, matchers, rng, $"{context}, query {q} [{mint}, {maxt}] {matchers[0]}");
        }
    }

    private static void CheckSelect(Head head, Model model, Labels[] labels, long mint, long maxt, LabelMatcher[] matchers, Random rng, string context)
    {
        var expected = new List<(Labels Labels, List<(long T, ulong Bits)> Samples)>();
        for (int s = 0; s < labels.Length; s++)
        {
            if (matchers.All(m => m.Matches(labels[s])))
            {
                var samples = model.Samples(s).Where(x => x.T >= mint && x.T <= maxt).ToList();
                if (samples.Count > 0)
                {
                    expected.Add((labels[s], samples));
                }
            }
        }

        expected.Sort((a, b) => Labels.Compare(a.Labels, b.Labels));
        var actual = Select(head, mint, maxt, matchers);
        Assert.True(expected.Count == actual.Count, $"{context}: {expected.Count} series expected, {actual.Count} returned");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Labels.Equals(actual[i].Labels), $"{context}: series {i} is {actual[i].Labels}, expected {expected[i].Labels}");
            string want = Format(expected[i].Samples), got = Format(actual[i].Samples);
            Assert.True(want == got, $"{context}: {expected[i].Labels}\n expected {want}\n got      {got}");
        }

        // Seeks on a fresh iterator per series, against the expected samples.
        using var querier = head.Querier();
        using var set = querier.Select(mint, maxt, null, matchers);
        for (int i = 0; set.MoveNext(); i++)
        {
            var samples = expected[i].Samples;
            var it = set.Current.Iterator();
            int current = -1;
            for (int step = 0; step < 8; step++)
            {
                long target = samples[rng.Next(samples.Count)].T + rng.Next(-3, 4);
                bool found = it.Seek(target);
                if (current < 0 || samples[current].T < target)
                {
                    current = Math.Max(current, 0);
                    while (current < samples.Count && samples[current].T < target)
                    {
                        current++;
                    }
                }

                Assert.True(found == current < samples.Count, $"{context}: Seek({target}) on {expected[i].Labels} returned {found}");
                if (!found)
                {
                    break;
                }

                Assert.True(it.At().Timestamp == samples[current].T && Bits(it.At().Value) == samples[current].Bits, $"{context}: Seek({target}) on {expected[i].Labels}");
            }
        }
    }

    /// <summary>The append rules, restated plainly over sorted dictionaries.</summary>
    private sealed class Model(long window)
    {
        private readonly Dictionary<int, SortedDictionary<long, ulong>> _stored = [];
        private readonly Dictionary<int, (long T, ulong Bits)> _newest = [];
        private long _headMax = long.MinValue;

        public AppendError Append(int series, long t, ulong bits)
        {
            var stored = _stored.TryGetValue(series, out var d) ? d : _stored[series] = [];
            if (!_newest.TryGetValue(series, out var newest) || t > newest.T)
            {
                _newest[series] = (t, bits);
                stored[t] = bits;
                _headMax = Math.Max(_headMax, t);
                return AppendError.None;
            }

            if (t == newest.T)
            {
                return bits == newest.Bits ? AppendError.None : AppendError.DuplicateSampleForTimestamp;
            }

            if (window == 0)
            {
                return AppendError.OutOfOrder;
            }

            if (_headMax - t > window)
            {
                return AppendError.TooOld;
            }

            if (stored.TryGetValue(t, out ulong existing))
            {
                return existing == bits ? AppendError.None : AppendError.DuplicateSampleForTimestamp;
            }

            stored[t] = bits;
            return AppendError.None;
        }

        public IEnumerable<(long T, ulong Bits)> Samples(int series) =>
            _stored.TryGetValue(series, out var d) ? d.Select(kv => (kv.Key, kv.Value)) : [];
    }
}
