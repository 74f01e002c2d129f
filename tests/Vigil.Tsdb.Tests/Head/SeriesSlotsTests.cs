using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.HeadTests;

public sealed class SeriesSlotsTests
{
    [Fact]
    public void Random_adds_and_removes_with_colliding_hashes_match_a_dictionary()
    {
        var slots = new SeriesSlots<ulong, FewHashesKey>();
        var model = new Dictionary<ulong, MemSeries>();
        var random = new Random(5);
        for (int step = 0; step < 20_000; step++)
        {
            ulong key = (ulong)random.Next(1, 400);
            if (random.Next(3) == 0 && model.TryGetValue(key, out var present))
            {
                Assert.False(slots.Remove(new MemSeries(key, present.Labels, present.LabelsHash))); // another object of that key
                Assert.True(slots.Remove(present));
                model.Remove(key);
            }
            else
            {
                var series = Series(key, Labels.FromPairs(("__name__", "s" + key)));
                slots.Set(key, series);
                model[key] = series;
            }

            if (step % 500 == 0)
            {
                CheckSame(slots, model);
            }
        }

        CheckSame(slots, model);
    }

    [Fact]
    public void By_labels_finds_equal_labels_and_replaces_the_series_of_a_key()
    {
        var slots = new SeriesSlots<Labels, SeriesLabelsKey>();
        var first = Series(1, Labels.FromPairs(("__name__", "a"), ("i", "1")));
        slots.Set(first.ToLabels(), first);
        var equal = Labels.FromPairs(("i", "1"), ("__name__", "a"));
        Assert.Same(first, slots.Get(equal));
        Assert.Null(slots.Get(Labels.FromPairs(("__name__", "a"), ("i", "2"))));

        var second = Series(2, equal);
        slots.Set(equal, second);
        Assert.Equal(1, slots.Count);
        Assert.False(slots.Remove(first));
        Assert.True(slots.Remove(second));
        Assert.Null(slots.Get(equal));
        Assert.Equal(0, slots.Count);
    }

    /// <summary>A series as the head makes one: its labels as pairs, with the hash of the labels it came from.</summary>
    private static MemSeries Series(ulong key, Labels labels) => new(key, InternedLabels.Uninterned(labels), labels.GetHashCode());

    private static void CheckSame(SeriesSlots<ulong, FewHashesKey> slots, Dictionary<ulong, MemSeries> model)
    {
        Assert.Equal(model.Count, slots.Count);
        for (ulong key = 0; key < 401; key++)
        {
            Assert.Same(model.GetValueOrDefault(key), slots.Get(key));
        }

        var all = new List<MemSeries>();
        slots.CopyTo(all);
        Assert.Equal(model.Values.OrderBy(s => s.Ref), all.OrderBy(s => s.Ref));
    }

    /// <summary>Seven hashes for every key: long probe runs that wrap around, so removal must shift entries back correctly.</summary>
    private readonly struct FewHashesKey : ISeriesSlotKey<ulong>
    {
        public static uint Hash(ulong key) => (uint)(key % 7) * 0x9E3779B1u;

        public static uint HashOf(MemSeries series) => Hash(series.Ref);

        public static bool Matches(MemSeries series, ulong key) => series.Ref == key;

        public static int MaxLoadEighths => 7;
    }
}
