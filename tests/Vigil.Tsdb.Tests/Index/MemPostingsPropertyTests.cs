using System.Globalization;
using Xunit.Abstractions;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.Index;

/// <summary>
/// The index's shortcuts (literal sets, <c>.*</c>, <c>.+</c>) against the same index testing every value, and both
/// against matching each series' labels directly, on random series and selectors. Seeded (VIGIL_TEST_SEED replays).
/// </summary>
public sealed class MemPostingsPropertyTests(ITestOutputHelper output)
{
    private const int Rounds = 60;

    private static readonly string[] Names = ["a", "b", "c"];

    /// <summary>Few values, so selectors hit; one with a newline, which <c>.</c> does not match.</summary>
    private static readonly string[] Values = ["x", "y", "xy", "yx", "z", "y\nz"];

    private static readonly string[] Patterns =
        ["x", "x|y", "x|", "|x|yx", "", "q", ".*", ".+", "x.*", "[xy]+", "y\nz", "y.z", "x|y\nz", "(x|z)y?"];

    [Fact]
    public void Shortcuts_agree_with_testing_every_value_and_with_the_series_labels()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        for (int round = 0; round < Rounds; round++)
        {
            bool newlines = rng.Next(2) == 0;
            var series = RandomSeries(rng, newlines);
            using var fast = MemPostingsTests.Build(true, series);
            using var slow = MemPostingsTests.Build(false, series);

            // Delete a few, so pruned lists and names are exercised too.
            var deleted = series.Where(_ => rng.Next(8) == 0).ToList();
            fast.Delete(MemPostingsTests.Interned(deleted));
            slow.Delete(MemPostingsTests.Interned(deleted));
            var live = series.Except(deleted).ToList();

            for (int q = 0; q < 40; q++)
            {
                var matchers = RandomSelector(rng);
                string context = string.Create(CultureInfo.InvariantCulture,
                    $"{TestSeed.Describe(seed)}, round {round}, selector {{{string.Join(", ", matchers.Select(m => m.ToString()))}}}");
                string expected = string.Join(" ", live.Where(s => matchers.All(m => m.Matches(s.Labels))).Select(s => s.Ref));
                Assert.True(expected == string.Join(" ", slow.PostingsForMatchers(matchers)), context + " (every value tested)");
                Assert.True(expected == string.Join(" ", fast.PostingsForMatchers(matchers)), context + " (shortcuts)");
            }
        }
    }

    private static List<(ulong Ref, Labels Labels)> RandomSeries(Random rng, bool newlines)
    {
        var byLabels = new Dictionary<Labels, ulong>();
        int count = rng.Next(1, 80);
        for (int i = 0; i < count; i++)
        {
            var pairs = new List<(string, string)>();
            foreach (string name in Names)
            {
                if (rng.Next(3) != 0)
                {
                    pairs.Add((name, Values[rng.Next(newlines ? Values.Length : Values.Length - 1)]));
                }
            }

            if (pairs.Count == 0)
            {
                continue;
            }

            var labels = Labels.FromPairs([.. pairs]);
            byLabels.TryAdd(labels, (ulong)byLabels.Count + 1);
        }

        return byLabels.Select(kv => (kv.Value, kv.Key)).OrderBy(s => s.Value).ToList();
    }

    private static LabelMatcher[] RandomSelector(Random rng)
    {
        var matchers = new LabelMatcher[rng.Next(1, 4)];
        for (int i = 0; i < matchers.Length; i++)
        {
            string name = rng.Next(8) == 0 ? "none" : Names[rng.Next(Names.Length)];
            var type = (LabelMatchType)rng.Next(4);
            string value = type is LabelMatchType.Equal or LabelMatchType.NotEqual
                ? (rng.Next(4) == 0 ? "" : Values[rng.Next(Values.Length)])
                : Patterns[rng.Next(Patterns.Length)];
            matchers[i] = new LabelMatcher(type, name, value);
        }

        return matchers;
    }
}
