using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Tests.Storage;

public sealed class LabelsTests
{
    [Fact]
    public void Pairs_are_sorted_by_name_and_empty_values_dropped()
    {
        var labels = Labels.FromPairs(("job", "node"), ("__name__", "up"), ("env", ""), ("Zone", "a"));
        Assert.Equal([new Label("Zone", "a"), new Label("__name__", "up"), new Label("job", "node")], labels.AsSpan().ToArray());
        Assert.Equal("{Zone=\"a\", __name__=\"up\", job=\"node\"}", labels.ToString());
    }

    [Fact]
    public void A_repeated_name_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Labels.FromPairs(("a", "1"), ("b", "2"), ("a", "3")));
        Assert.Equal("label name \"a\" is repeated", e.Message);
    }

    [Fact]
    public void Get_returns_empty_for_a_missing_label()
    {
        var labels = Labels.FromPairs(("__name__", "up"), ("job", "node"));
        Assert.Equal("node", labels.Get("job"));
        Assert.Equal("", labels.Get("instance"));
        Assert.True(labels.Has("job"));
        Assert.False(labels.Has("instance"));
        Assert.Same(Labels.Empty, Labels.FromPairs(("a", "")));
    }

    [Fact]
    public void Equal_sets_are_equal_whatever_the_input_order()
    {
        var a = Labels.FromPairs(("a", "1"), ("b", "2"));
        var b = Labels.FromPairs(("b", "2"), ("a", "1"));
        var c = Labels.FromPairs(("a", "1"), ("b", "3"));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.False(a.Equals(null));
    }

    [Theory]
    [InlineData("a=1", "a=1", 0)]
    [InlineData("a=1", "a=2", -1)]
    [InlineData("a=1", "b=1", -1)]
    [InlineData("a=1", "a=1,b=1", -1)] // a prefix sorts first
    [InlineData("a=2", "a=1,b=1", 1)]
    [InlineData("", "a=1", -1)]
    public void Compare_orders_like_prometheus(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(Labels.Compare(Parse(left), Parse(right))));
        Assert.Equal(-expected, Math.Sign(Labels.Compare(Parse(right), Parse(left))));
    }

    [Fact]
    public void Wal_canonical_bytes_decode_to_the_same_labels()
    {
        byte[] canonical = CanonicalLabels.Encode(("job", "nöde"), ("__name__", "up"), ("le", "+Inf"));
        Assert.Equal(Labels.FromPairs(("__name__", "up"), ("job", "nöde"), ("le", "+Inf")), Labels.FromCanonical(canonical));
        Assert.Same(Labels.Empty, Labels.FromCanonical(CanonicalLabels.Encode()));
    }

    private static Labels Parse(string text) => text.Length == 0
        ? Labels.Empty
        : Labels.FromPairs(text.Split(',').Select(p => (p.Split('=')[0], p.Split('=')[1])).ToArray());
}
