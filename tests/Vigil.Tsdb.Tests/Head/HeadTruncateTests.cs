using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

public sealed class HeadTruncateTests
{
    private static readonly Labels Old = L("__name__", "m", "s", "old");
    private static readonly Labels Live = L("__name__", "m", "s", "live");

    /// <summary>Small chunks (4 samples when 1 ms apart, in 100 ms ranges) make chunk boundaries easy to place.</summary>
    private static Head SmallChunkHead(long window = 0) =>
        new(new HeadOptions { ChunkRange = 100, SamplesPerChunk = 4, OutOfOrderTimeWindow = window });

    [Fact]
    public void Whole_chunks_before_mint_go_and_a_straddling_chunk_stays()
    {
        using var head = SmallChunkHead();
        var live = head.GetOrCreate(Live);
        for (long t = 0; t < 20; t++)
        {
            head.Append(live, t, t); // chunks 0-3, 4-7, 8-11, 12-15, 16-19
        }

        Assert.Equal(5, head.ChunkCount);
        head.TruncateBefore(9);
        var samples = Samples(head, Live);

        // 8-11 straddles 9 and stays whole, so 8 is still there.
        Assert.Equal(8, samples[0].T);
        Assert.Equal(19, samples[^1].T);
        Assert.Equal(12, samples.Count);
        Assert.Equal(3, head.ChunkCount);
        Assert.Equal(9, head.MinValidTime);
        Assert.Equal(8, head.MinTime);
        Assert.Equal(19, head.MaxTime);
    }

    [Fact]
    public void A_series_with_every_sample_before_mint_is_forgotten_with_its_postings()
    {
        using var head = SmallChunkHead();
        var old = head.GetOrCreate(Old);
        var live = head.GetOrCreate(Live);
        head.Append(old, 10, 1);
        head.Append(live, 10, 1);
        head.Append(live, 500, 2);

        // Both were just created, which protects them for one truncation.
        head.TruncateBefore(200);
        Assert.Equal(2, head.SeriesCount);
        head.TruncateBefore(200);
        Assert.Equal(1, head.SeriesCount);

        Assert.Equal(["live"], head.Postings.LabelValues("s"));
        Assert.Equal([live.Value], head.Postings.PostingsForMatchers(LabelMatcher.Equal("__name__", "m")));
        Assert.Throws<UnknownSeriesException>(() => head.Append(old, 600, 1));

        // Asking again gives a new series under a new ref.
        var again = head.GetOrCreate(Old);
        Assert.True(again.Value > live.Value);
        Assert.Equal(AppendError.None, head.Append(again, 600, 1));
        Assert.Equal([(600L, Bits(1))], Samples(head, Old));
    }

    [Fact]
    public void A_series_asked_for_since_the_last_truncation_survives_it_even_empty()
    {
        using var head = SmallChunkHead();
        var series = head.GetOrCreate(Old);
        head.TruncateBefore(0);
        Assert.Equal(1, head.SeriesCount);
        Assert.Equal(series, head.GetOrCreate(Old)); // touched again
        head.TruncateBefore(0);
        Assert.Equal(1, head.SeriesCount);
        head.TruncateBefore(0);
        Assert.Equal(0, head.SeriesCount);
        Assert.Empty(head.Postings.All());
    }

    [Fact]
    public void Out_of_order_samples_before_mint_go_and_those_after_stay()
    {
        using var head = SmallChunkHead(window: 1000);
        var live = head.GetOrCreate(Live);
        head.Append(live, 900, 9);
        head.Append(live, 100, 1);
        head.Append(live, 600, 6);
        Assert.Equal(2, head.OutOfOrderSamples);
        head.TruncateBefore(500);
        Assert.Equal("600:6 900:9", Format(Samples(head, Live)));
    }

    [Fact]
    public void Out_of_order_samples_go_with_the_in_order_data_they_trail()
    {
        using var head = SmallChunkHead(window: 10_000);
        var live = head.GetOrCreate(Live);
        var other = head.GetOrCreate(Old);
        head.Append(live, 1000, 1);
        head.Append(other, 5000, 1);
        head.Append(live, 900, 2); // out of order, but the in-order chunk ends at 1000
        head.TruncateBefore(0);
        head.TruncateBefore(950);
        Assert.Equal("1000:1", Format(Samples(head, Live)));
        head.TruncateBefore(1001);
        Assert.Empty(Samples(head, Live));
        Assert.Equal(1, head.SeriesCount);
    }

    [Fact]
    public void Chunk_and_series_counts_follow_truncation()
    {
        using var head = SmallChunkHead();
        var refs = new List<SeriesRef>();
        for (int s = 0; s < 10; s++)
        {
            var r = head.GetOrCreate(L("__name__", "m", "i", s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            refs.Add(r);
            for (long t = 0; t < 12; t++)
            {
                head.Append(r, (s * 1000) + t, t);
            }
        }

        Assert.Equal(10, head.SeriesCount);
        Assert.Equal(30, head.ChunkCount); // 12 samples 1 ms apart: chunks of 4
        head.TruncateBefore(0);
        head.TruncateBefore(5000);
        Assert.Equal(5, head.SeriesCount);
        Assert.Equal(15, head.ChunkCount);
        Assert.Equal(5000, head.MinTime);
    }

    [Fact]
    public void Truncating_an_empty_head_keeps_the_sentinels()
    {
        using var head = new Head();
        head.TruncateBefore(1000);
        Assert.Equal(long.MaxValue, head.MinTime);
        Assert.Equal(long.MinValue, head.MaxTime);
        Assert.Equal(1000, head.MinValidTime);
    }

    [Fact]
    public void The_minimum_valid_time_never_moves_back()
    {
        using var head = new Head();
        head.TruncateBefore(1000);
        head.TruncateBefore(500);
        Assert.Equal(1000, head.MinValidTime);
    }
}
