using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.Feed;

public sealed class WalRefMapTests
{
    [Fact]
    public void Dense_refs_grow_across_pages_and_keep_their_entries()
    {
        var map = new WalRefMap();
        for (ulong walRef = 1; walRef <= 10_000; walRef++)
        {
            map.Set(walRef, new SeriesRef(walRef * 3), InternedLabels.Uninterned(Labels.FromPairs(("__name__", "m" + walRef))));
        }

        Assert.Equal(10_000, map.Count);
        for (ulong walRef = 1; walRef <= 10_000; walRef++)
        {
            Assert.True(map.TryGet(walRef, out var seriesRef, out var labels));
            Assert.Equal(walRef * 3, seriesRef.Value);
            Assert.Equal("m" + walRef, labels.Get("__name__"));
        }

        Assert.False(map.TryGet(0, out _, out _));
        Assert.False(map.TryGet(10_001, out _, out _));
        Assert.False(map.TryGet(1UL << 40, out _, out _));
    }

    [Theory]
    [InlineData(5UL)]
    [InlineData(1UL << 28)]
    [InlineData(ulong.MaxValue)]
    public void Replacing_an_entry_keeps_the_count(ulong walRef)
    {
        var map = new WalRefMap();
        var labels = InternedLabels.Uninterned(Labels.FromPairs(("__name__", "a")));
        map.Set(walRef, new SeriesRef(1), labels);
        map.Set(walRef, new SeriesRef(2), labels);

        Assert.Equal(1, map.Count);
        Assert.True(map.TryGet(walRef, out var seriesRef, out var got));
        Assert.Equal(2UL, seriesRef.Value);
        Assert.Same(labels.Pairs[0], got.Pairs[0]);
        Assert.False(map.TryGet(walRef - 1, out _, out _));
    }
}
