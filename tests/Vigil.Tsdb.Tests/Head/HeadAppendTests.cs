using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

public sealed class HeadAppendTests
{
    private static readonly Labels SeriesA = L("__name__", "m", "s", "a");
    private static readonly Labels SeriesB = L("__name__", "m", "s", "b");

    /// <summary>
    /// Series a holds 1000:1, 2000:2, 3000:3; series b holds 10000:10, so the head's newest sample (the anchor of
    /// the out-of-order window) is 10000, not a's 3000. Then one more sample for a.
    /// </summary>
    [Theory]
    // In order: appended.
    [InlineData(0, 4000, 4.0, "None", "1000:1 2000:2 3000:3 4000:4")]
    // Same timestamp as the newest: equal value is an accepted no-op, another value a duplicate.
    [InlineData(0, 3000, 3.0, "None", "1000:1 2000:2 3000:3")]
    [InlineData(0, 3000, 5.0, "DuplicateSampleForTimestamp", "1000:1 2000:2 3000:3")]
    // Older, no window: out of order, even when it repeats an older sample exactly (Prometheus compares only the newest).
    [InlineData(0, 2500, 9.0, "OutOfOrder", "1000:1 2000:2 3000:3")]
    [InlineData(0, 2000, 2.0, "OutOfOrder", "1000:1 2000:2 3000:3")]
    // Window of 8000 behind the head's 10000: 2500 is in, 1500 too old.
    [InlineData(8000, 2500, 9.0, "None", "1000:1 2000:2 2500:9 3000:3")]
    [InlineData(8000, 2000, 2.0, "None", "1000:1 2000:2 3000:3")]
    [InlineData(8000, 2000, 7.0, "DuplicateSampleForTimestamp", "1000:1 2000:2 3000:3")]
    [InlineData(8000, 1500, 9.0, "TooOld", "1000:1 2000:2 3000:3")]
    [InlineData(8000, 2001, 9.0, "None", "1000:1 2000:2 2001:9 3000:3")]
    // Exactly the window's edge is in (t >= headMax - window).
    [InlineData(9000, 1000, 1.0, "None", "1000:1 2000:2 3000:3")]
    [InlineData(9000, 999, 1.0, "TooOld", "1000:1 2000:2 3000:3")]
    public void Append_rules(long window, long t, double v, string expected, string stored)
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = window });
        var a = head.GetOrCreate(SeriesA);
        var b = head.GetOrCreate(SeriesB);
        foreach (var (ts, value) in new[] { (1000L, 1.0), (2000L, 2.0), (3000L, 3.0) })
        {
            Assert.Equal(AppendError.None, head.Append(a, ts, value));
        }

        Assert.Equal(AppendError.None, head.Append(b, 10_000, 10));
        Assert.Equal(Enum.Parse<AppendError>(expected), head.Append(a, t, v));
        Assert.Equal(stored, Format(Samples(head, SeriesA)));
    }

    [Fact]
    public void Out_of_order_samples_are_counted_once_and_merged_into_reads()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = 60_000 });
        var a = head.GetOrCreate(SeriesA);
        Assert.Equal(AppendError.None, head.Append(a, 10_000, 10));
        Assert.Equal(AppendError.None, head.Append(a, 5_000, 5));
        Assert.Equal(AppendError.None, head.Append(a, 7_000, 7));
        Assert.Equal(AppendError.None, head.Append(a, 5_000, 5)); // a retry: no-op
        Assert.Equal(AppendError.DuplicateSampleForTimestamp, head.Append(a, 7_000, 8));
        Assert.Equal(AppendError.None, head.Append(a, 12_000, 12));
        Assert.Equal(2, head.OutOfOrderSamples);
        Assert.Equal("5000:5 7000:7 10000:10 12000:12", Format(Samples(head, SeriesA)));

        // MinTime and MaxTime describe in-order data only.
        Assert.Equal(10_000, head.MinTime);
        Assert.Equal(12_000, head.MaxTime);
    }

    [Fact]
    public void A_stale_marker_is_stored_bit_exact_and_is_its_own_duplicate()
    {
        using var head = new Head();
        var a = head.GetOrCreate(SeriesA);
        Assert.Equal(AppendError.None, head.Append(a, 1000, 1));
        Assert.Equal(AppendError.None, head.Append(a, 2000, StaleNaN));
        Assert.Equal(AppendError.None, head.Append(a, 2000, StaleNaN));

        // An ordinary NaN has other bits: not the same sample.
        Assert.Equal(AppendError.DuplicateSampleForTimestamp, head.Append(a, 2000, double.NaN));
        Assert.Equal([(1000L, Bits(1)), (2000L, StaleNaNBits)], Samples(head, SeriesA));
    }

    [Fact]
    public void Negative_zero_and_zero_are_different_values()
    {
        using var head = new Head();
        var a = head.GetOrCreate(SeriesA);
        Assert.Equal(AppendError.None, head.Append(a, 1000, 0.0));
        Assert.Equal(AppendError.DuplicateSampleForTimestamp, head.Append(a, 1000, -0.0));
    }

    [Fact]
    public void Samples_before_the_minimum_valid_time_are_out_of_bounds_whatever_the_window()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = 1_000_000 });
        var a = head.GetOrCreate(SeriesA);
        Assert.Equal(AppendError.None, head.Append(a, 10_000, 1));
        head.TruncateBefore(5_000);
        Assert.Equal(5_000, head.MinValidTime);

        var fresh = head.GetOrCreate(SeriesB);
        Assert.Equal(AppendError.OutOfBounds, head.Append(fresh, 4_999, 1));
        Assert.Equal(AppendError.OutOfBounds, head.Append(a, 4_999, 1));
        Assert.Equal(AppendError.None, head.Append(fresh, 5_000, 1));
        Assert.Equal(AppendError.None, head.Append(a, 6_000, 1)); // out of order, inside the window and the bounds
    }

    [Fact]
    public void Empty_labels_are_refused()
    {
        using var head = new Head();
        Assert.Throws<ArgumentException>(() => head.GetOrCreate(Labels.Empty));
        var appender = head.Appender();
        Assert.Equal(AppendError.InvalidLabels, appender.Append(SeriesRef.None, Labels.Empty, 1000, 1).Error);
        Assert.Equal(0, head.SeriesCount);
    }

    [Fact]
    public void Any_non_empty_label_set_is_a_series_as_in_prometheus()
    {
        using var head = new Head();
        var nameless = head.GetOrCreate(L("job", "x"));
        Assert.Equal(AppendError.None, head.Append(nameless, 1000, 1));
    }

    [Fact]
    public void An_unknown_ref_throws()
    {
        using var head = new Head();
        var e = Assert.Throws<UnknownSeriesException>(() => head.Append(new SeriesRef(42), 1000, 1));
        Assert.Equal(42UL, e.Ref.Value);
    }

    [Fact]
    public void Get_or_create_returns_one_ref_per_label_set_with_increasing_refs()
    {
        using var head = new Head();
        var a = head.GetOrCreate(SeriesA);
        var b = head.GetOrCreate(SeriesB);
        Assert.Equal(a, head.GetOrCreate(L("s", "a", "__name__", "m")));
        Assert.True(b.Value > a.Value);
        Assert.Equal(2, head.SeriesCount);
    }

    [Fact]
    public void Min_and_max_time_are_sentinels_until_the_first_sample()
    {
        using var head = new Head();
        Assert.Equal(long.MaxValue, head.MinTime);
        Assert.Equal(long.MinValue, head.MaxTime);
        var a = head.GetOrCreate(SeriesA);
        var b = head.GetOrCreate(SeriesB);
        head.Append(a, 5000, 1);
        head.Append(b, 3000, 1);
        head.Append(a, 9000, 1);
        Assert.Equal(3000, head.MinTime);
        Assert.Equal(9000, head.MaxTime);
    }

    [Theory]
    // A sample every 15 s from the start of a chunk range: 2 h holds 480 samples, cut into 4 chunks of 120.
    [InlineData(0, 15_000, 480, 4)]
    [InlineData(0, 15_000, 481, 5)] // the 481st is in the next range
    // A sample every millisecond: the cut time predicted at 30 samples gives 120 per chunk.
    [InlineData(0, 1, 1000, 9)]
    // Ten samples before a range boundary and one after: the boundary cuts.
    [InlineData(HeadOptions.DefaultChunkRange - (10 * 15_000), 15_000, 11, 2)]
    [InlineData(HeadOptions.DefaultChunkRange - (10 * 15_000), 15_000, 10, 1)]
    public void Chunks_are_cut_as_prometheus_cuts_them(long start, long step, int samples, int expectedChunks)
    {
        using var head = new Head();
        var a = head.GetOrCreate(SeriesA);
        for (int i = 0; i < samples; i++)
        {
            Assert.Equal(AppendError.None, head.Append(a, start + (i * step), i));
        }

        Assert.Equal(expectedChunks, head.ChunkCount);
        Assert.Equal(samples, Samples(head, SeriesA).Count);
    }

    [Fact]
    public void A_burst_within_one_prediction_is_cut_at_twice_the_target()
    {
        // 30 samples a minute apart predict a long chunk; then a burst of 1 ms samples must still stop at 240.
        using var head = new Head(new HeadOptions { SamplesPerChunk = 120 });
        var a = head.GetOrCreate(SeriesA);
        long t = 0;
        for (int i = 0; i < 30; i++, t += 60_000)
        {
            head.Append(a, t, i);
        }

        for (int i = 30; i < 240; i++, t++)
        {
            head.Append(a, t, i);
        }

        Assert.Equal(1, head.ChunkCount);
        head.Append(a, t, 240);
        Assert.Equal(2, head.ChunkCount);
    }

    [Theory]
    [InlineData(0L, 120, 0L)]
    [InlineData(1L, 0, 0L)]
    [InlineData(1L, 40_000, 0L)]
    [InlineData(1L, 120, -1L)]
    public void Invalid_options_are_refused(long chunkRange, int samplesPerChunk, long window)
    {
        var options = new HeadOptions { ChunkRange = chunkRange, SamplesPerChunk = samplesPerChunk, OutOfOrderTimeWindow = window };
        Assert.Throws<ArgumentOutOfRangeException>(() => new Head(options));
    }
}
