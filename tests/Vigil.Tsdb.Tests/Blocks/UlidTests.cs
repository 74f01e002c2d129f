using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb.Tests.BlockTests;

public sealed class UlidTests
{
    [Fact]
    public void The_spec_example_decodes_to_its_timestamp_and_prints_back()
    {
        // github.com/ulid/spec's example; its first 10 characters are the 48-bit millisecond timestamp.
        var ulid = Ulid.Parse("01ARZ3NDEKTSV4RRFFQ69G5FAV");
        Assert.Equal(1469922850259, ulid.Timestamp);
        Assert.Equal("01ARZ3NDEKTSV4RRFFQ69G5FAV", ulid.ToString());
        Assert.Equal(ulid, Ulid.Parse("01arz3ndektsv4rrffq69g5fav"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA")] // 25 characters
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAVX")] // 27
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAU")] // U is not in Crockford's alphabet
    [InlineData("81ARZ3NDEKTSV4RRFFQ69G5FAV")] // more than 128 bits
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA.")]
    public void Anything_else_is_not_a_ulid(string text)
    {
        Assert.False(Ulid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Ulid.Parse(text));
    }

    [Fact]
    public void Ulids_made_in_a_row_sort_as_made_both_as_values_and_as_directory_names()
    {
        var made = Enumerable.Range(0, 2000).Select(_ => Ulid.New()).ToList();
        Assert.Equal(made, made.Order());
        Assert.Equal(made.Select(u => u.ToString()), made.Select(u => u.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct().Count());

        // Even when the clock says otherwise (the same millisecond, or a step back).
        var later = Ulid.New(1_000);
        Assert.True(later > made[^1]);
        Assert.True(later.Timestamp >= made[^1].Timestamp);
    }

    [Fact]
    public void The_timestamp_is_the_clock_in_milliseconds()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ulid = Ulid.New();
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(ulid.Timestamp, before, Math.Max(after, ulid.Timestamp));
    }
}
