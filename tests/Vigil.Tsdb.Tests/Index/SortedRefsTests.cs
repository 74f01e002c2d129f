using System.Globalization;
using Vigil.Tsdb.Index;
using Xunit.Abstractions;

namespace Vigil.Tsdb.Tests.Index;

/// <summary>Union and filtering against LINQ on random lists of very different lengths (each walk strategy). Seeded.</summary>
public sealed class SortedRefsTests(ITestOutputHelper output)
{
    [Fact]
    public void Union_and_filter_agree_with_set_operations()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            string context = string.Create(CultureInfo.InvariantCulture, $"{TestSeed.Describe(seed)}, round {round}");
            var lists = Enumerable.Range(0, rng.Next(0, 9)).Select(_ => RandomList(rng).Memory).ToList();
            var refs = RandomList(rng).Span.ToArray();
            var union = lists.SelectMany(l => l.Span.ToArray()).Distinct().Order().ToArray();

            Assert.True(union.SequenceEqual(SortedRefs.Union(lists)), context + ": union");
            Assert.True(refs.Intersect(union).Order().SequenceEqual(SortedRefs.Filter(refs, lists, keepFound: true)), context + ": intersection");
            Assert.True(refs.Except(union).Order().SequenceEqual(SortedRefs.Filter(refs, lists, keepFound: false)), context + ": subtraction");
        }
    }

    /// <summary>Lengths from 0 to thousands, so that one side is often more than 16 times the other.</summary>
    private static PostingsList RandomList(Random rng)
    {
        int length = rng.Next(4) switch { 0 => rng.Next(0, 4), 1 => rng.Next(0, 40), _ => rng.Next(0, 3000) };
        var list = new PostingsList();
        foreach (ulong r in Enumerable.Range(0, length).Select(_ => (ulong)rng.Next(1, 5000)).Distinct().Order())
        {
            list.Add(r);
        }

        return list;
    }
}
