using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.HeadTests;

/// <summary>
/// Head series share one object per label pair (the index's), whatever copies they were created from, and keep no
/// <see cref="Labels"/> of their own (issue 5, RSS per active series).
/// </summary>
public sealed class HeadLabelSharingTests
{
    [Fact]
    public void Series_created_from_separately_decoded_labels_share_the_index_pairs()
    {
        using var head = new Head();

        // As the WAL feeder does: each series' labels decoded into strings of their own.
        static Labels Decoded(string cpu) => Labels.FromPairs(
            (new string("__name__".AsSpan()), new string("node_cpu_seconds_total".AsSpan())),
            (new string("cpu".AsSpan()), cpu),
            (new string("instance".AsSpan()), new string("host-1:9100".AsSpan())));
        var first = Decoded("0");
        var second = Decoded("1");

        var firstSeries = head.GetSeries(head.GetOrCreate(first))!;
        var secondRef = head.GetOrCreate(second, out var interned);
        var secondSeries = head.GetSeries(secondRef)!;

        Assert.Same(firstSeries.Labels.Pairs[0], secondSeries.Labels.Pairs[0]);
        Assert.Same(firstSeries.Labels.Pairs[2], secondSeries.Labels.Pairs[2]);
        Assert.NotSame(firstSeries.Labels.Pairs[1], secondSeries.Labels.Pairs[1]);
        Assert.Same(first[2].Value, secondSeries.Labels.Pairs[2].Value); // the first series' strings are the ones kept
        Assert.Same(secondSeries.Labels.Pairs[1], interned.Pairs[1]);
        Assert.Equal(second, secondSeries.ToLabels());
        Assert.Equal(second.GetHashCode(), secondSeries.ToLabels().GetHashCode());
        Assert.Equal(secondRef, head.GetOrCreate(Decoded("1"))); // still found by content
    }
}
