using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.HeadTests;

/// <summary>Head series share one copy of each label string (the index's), whatever copies they were created from.</summary>
public sealed class HeadLabelSharingTests
{
    [Fact]
    public void Series_created_from_separately_decoded_labels_share_the_index_strings()
    {
        using var head = new Head();

        // As the WAL feeder does: each series' labels decoded into strings of their own.
        static Labels Decoded(string cpu) => Labels.FromPairs(
            (new string("__name__".AsSpan()), new string("node_cpu_seconds_total".AsSpan())),
            (new string("cpu".AsSpan()), cpu),
            (new string("instance".AsSpan()), new string("host-1:9100".AsSpan())));
        var first = Decoded("0");
        var second = Decoded("1");
        Assert.False(ReferenceEquals(first[2].Value, second[2].Value));
        int hash = second.GetHashCode();

        head.GetOrCreate(first);
        var secondRef = head.GetOrCreate(second);

        Assert.Same(first[0].Name, second[0].Name);
        Assert.Same(first[0].Value, second[0].Value);
        Assert.Same(first[2].Value, second[2].Value);
        Assert.Equal("1", second[1].Value);
        Assert.Equal(hash, second.GetHashCode());
        Assert.Equal(secondRef, head.GetOrCreate(Decoded("1"))); // still found by content
    }
}
