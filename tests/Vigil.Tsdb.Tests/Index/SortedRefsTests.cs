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
            var postings = Enumerable.Range(0, rng.Next(0, 9)).Select(_ => RandomList(rng)).ToList();
            var lists = postings.Select(l => (ReadOnlyMemory<ulong>)l.ToArray()).ToList();
            var head = postings.Select(l => l.Refs).ToList();
            var refs = RandomList(rng).ToArray();
            var union = lists.SelectMany(l => l.Span.ToArray()).Distinct().Order().ToArray();
            var intersection = refs.Intersect(union).Order().ToArray();
            var subtraction = refs.Except(union).Order().ToArray();

            Assert.True(union.SequenceEqual(SortedRefs.Union(lists)), context + ": union");
            Assert.True(intersection.SequenceEqual(SortedRefs.Filter(refs, lists, keepFound: true)), context + ": intersection");
            Assert.True(subtraction.SequenceEqual(SortedRefs.Filter(refs, lists, keepFound: false)), context + ": subtraction");
            Assert.True(union.SequenceEqual(SortedRefs.Union(head)), context + ": union of head lists");
            Assert.True(intersection.SequenceEqual(SortedRefs.Filter(refs, head, keepFound: true)), context + ": intersection with head lists");
            Assert.True(subtraction.SequenceEqual(SortedRefs.Filter(refs, head, keepFound: false)), context + ": subtraction of head lists");
        }
    }

    [Fact]
    public void A_head_list_widens_past_four_byte_refs_and_keeps_its_order()
    {
        var list = new PostingsList();
        list.Add(7);
        list.Add(3);
        Assert.False(list.Refs.IsWide);
        list.Add((1UL << 32) + 5);
        list.Add(5);
        Assert.True(list.Refs.IsWide);
        Assert.Equal([3UL, 5, 7, (1UL << 32) + 5], list.ToArray());
        Assert.Equal(1, list.RemoveAll([5UL]));
        Assert.Equal([3UL, 7, (1UL << 32) + 5], list.ToArray());
    }

    /// <summary>Lengths from 0 to thousands, so that one side is often more than 16 times the other.</summary>
    private static PostingsList RandomList(Random rng)
    {
        int length = rng.Next(4) switch { 0 => rng.Next(0, 4), 1 => rng.Next(0, 40), _ => rng.Next(0, 3000) };
        var list = new PostingsList();
        // A few lists reach past 4-byte refs (a head that created four billion series), which widens them.
        ulong high = rng.Next(8) == 0 ? 1UL << 32 : 0;
        foreach (ulong r in Enumerable.Range(0, length).Select(_ => (ulong)rng.Next(1, 5000) + (rng.Next(2) == 0 ? 0 : high)).Distinct().Order())
        {
            list.Add(r);
        }

        return list;
    }
}
