using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

public sealed class HeadAppenderTests
{
    private static readonly Labels SeriesA = L("__name__", "m", "s", "a");

    [Fact]
    public async Task Samples_are_visible_only_after_commit()
    {
        using var head = new Head();
        var appender = head.Appender();
        var result = appender.Append(SeriesRef.None, SeriesA, 1000, 1);
        Assert.True(result.IsSuccess);
        Assert.False(result.Ref.IsNone);
        Assert.Empty(Samples(head, SeriesA));

        await appender.CommitAsync();
        Assert.Equal([(1000L, Bits(1))], Samples(head, SeriesA));
    }

    [Fact]
    public async Task Rollback_discards_the_batch_and_the_appender_starts_a_new_one()
    {
        using var head = new Head();
        var appender = head.Appender();
        appender.Append(SeriesRef.None, SeriesA, 1000, 1);
        appender.Rollback();
        await appender.CommitAsync();
        Assert.Empty(Samples(head, SeriesA));

        appender.Append(SeriesRef.None, SeriesA, 2000, 2);
        await appender.CommitAsync();
        Assert.Equal([(2000L, Bits(2))], Samples(head, SeriesA));
    }

    [Fact]
    public async Task A_returned_ref_is_used_and_an_unknown_one_falls_back_to_the_labels()
    {
        using var head = new Head();
        var appender = head.Appender();
        var r = appender.Append(SeriesRef.None, SeriesA, 1000, 1).Ref;
        Assert.Equal(r, appender.Append(r, Labels.Empty, 2000, 2).Ref);
        Assert.Equal(r, appender.Append(new SeriesRef(999), SeriesA, 3000, 3).Ref);
        Assert.Equal(AppendError.InvalidLabels, appender.Append(new SeriesRef(999), Labels.Empty, 4000, 4).Error);
        await appender.CommitAsync();
        Assert.Equal(3, Samples(head, SeriesA).Count);
    }

    [Theory]
    // Within one batch the rules see the batch's own samples.
    [InlineData(0, 3000, 3.0, "None", "1000:1 2000:2 3000:3")]
    [InlineData(0, 2000, 2.0, "None", "1000:1 2000:2")]
    [InlineData(0, 2000, 5.0, "DuplicateSampleForTimestamp", "1000:1 2000:2")]
    [InlineData(0, 1500, 5.0, "OutOfOrder", "1000:1 2000:2")]
    [InlineData(60_000, 1500, 5.0, "None", "1000:1 1500:5 2000:2")]
    [InlineData(60_000, 1000, 1.0, "None", "1000:1 2000:2")] // 1000 is committed already
    [InlineData(60_000, 1000, 4.0, "DuplicateSampleForTimestamp", "1000:1 2000:2")]
    public async Task Append_results_follow_the_head_rules_over_committed_and_batched_samples(
        long window, long t, double v, string expected, string stored)
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = window });
        var appender = head.Appender();
        appender.Append(SeriesRef.None, SeriesA, 1000, 1);
        await appender.CommitAsync();
        appender.Append(SeriesRef.None, SeriesA, 2000, 2);
        Assert.Equal(Enum.Parse<AppendError>(expected), appender.Append(SeriesRef.None, SeriesA, t, v).Error);
        await appender.CommitAsync();
        Assert.Equal(stored, Format(Samples(head, SeriesA)));
        Assert.Equal(0, head.RefusedAtCommit);
    }

    [Fact]
    public async Task A_sample_another_writer_invalidated_before_commit_is_dropped_and_counted()
    {
        using var head = new Head();
        var appender = head.Appender();
        Assert.True(appender.Append(SeriesRef.None, SeriesA, 1000, 1).IsSuccess);
        head.Append(head.GetOrCreate(SeriesA), 1000, 7);
        await appender.CommitAsync();
        Assert.Equal([(1000L, Bits(7))], Samples(head, SeriesA));
        Assert.Equal(1, head.RefusedAtCommit);
    }

    [Fact]
    public async Task A_series_forgotten_between_append_and_commit_is_recreated_from_its_labels()
    {
        using var head = new Head();
        var appender = head.Appender();
        var r = appender.Append(SeriesRef.None, SeriesA, 10_000, 1).Ref;

        // Two truncations forget the empty series the appender created.
        head.TruncateBefore(0);
        head.TruncateBefore(0);
        Assert.Equal(0, head.SeriesCount);

        await appender.CommitAsync();
        Assert.Equal([(10_000L, Bits(1))], Samples(head, SeriesA));
        Assert.NotEqual(r, head.GetOrCreate(SeriesA));
    }
}
