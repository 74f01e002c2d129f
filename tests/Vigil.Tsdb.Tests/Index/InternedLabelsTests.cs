using Xunit.Abstractions;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.Index;

/// <summary>The head's interned labels must order, compare and hash exactly as <see cref="Labels"/> do (issue 5).</summary>
public sealed class InternedLabelsTests(ITestOutputHelper output)
{
    [Fact]
    public void Order_equality_and_hash_agree_with_labels_on_random_sets()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        var sets = new List<Labels>();
        for (int i = 0; i < 300; i++)
        {
            var pairs = new List<(string, string)>();
            foreach (var name in new[] { "__name__", "a", "b", "ab", "job" })
            {
                if (rng.Next(3) > 0)
                {
                    pairs.Add((name, ((char)('x' + rng.Next(3))).ToString() + (rng.Next(2) == 0 ? "" : "y")));
                }
            }

            sets.Add(Labels.FromPairs([.. pairs]));
        }

        using var postings = new MemPostings();
        var interned = sets.Select((labels, i) => postings.Add((ulong)i + 1, labels)).ToList();
        for (int i = 0; i < sets.Count; i++)
        {
            Assert.Equal(sets[i], interned[i].ToLabels());
            Assert.Equal(sets[i].GetHashCode(), interned[i].ComputeHash());
            for (int j = 0; j < sets.Count; j += 7)
            {
                Assert.Equal(Math.Sign(Labels.Compare(sets[i], sets[j])), Math.Sign(InternedLabels.Compare(interned[i], interned[j])));
                Assert.Equal(sets[i].Equals(sets[j]), interned[i].ContentEquals(sets[j]));
            }

            foreach (var name in new[] { "__name__", "a", "b", "ab", "job", "missing" })
            {
                Assert.Equal(sets[i].Get(name), interned[i].Get(name));
            }
        }
    }
}
