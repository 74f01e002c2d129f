using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

public sealed class HeadQuerierTests
{
    [Fact]
    public void Select_returns_matching_series_sorted_by_labels_with_only_samples_in_range()
    {
        using var head = new Head();
        foreach (string job in new[] { "web", "api", "db" })
        {
            var r = head.GetOrCreate(L("__name__", "up", "job", job));
            for (long t = 0; t < 10; t++)
            {
                head.Append(r, t * 1000, t);
            }
        }

        head.Append(head.GetOrCreate(L("__name__", "down", "job", "api")), 5000, 1);

        var result = Select(head, 2500, 4000, LabelMatcher.Equal("__name__", "up"));
        Assert.Equal(["api", "db", "web"], result.Select(s => s.Labels.Get("job")));
        Assert.All(result, s => Assert.Equal("3000:3 4000:4", Format(s.Samples)));
    }

    [Fact]
    public void A_series_without_samples_in_range_is_not_returned_even_if_a_chunk_overlaps()
    {
        using var head = new Head();
        var sparse = head.GetOrCreate(L("__name__", "m", "s", "sparse"));
        head.Append(sparse, 0, 1);
        head.Append(sparse, 10_000, 2); // one chunk spanning 0..10000
        head.Append(head.GetOrCreate(L("__name__", "m", "s", "dense")), 5_000, 3);

        var result = Select(head, 1, 9_999, LabelMatcher.Equal("__name__", "m"));
        Assert.Equal(["dense"], result.Select(s => s.Labels.Get("s")));
        Assert.Empty(Select(head, 20_000, 10_000, LabelMatcher.Equal("__name__", "m")));
    }

    [Fact]
    public void A_series_with_only_out_of_order_samples_in_range_is_returned()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = 100_000 });
        var r = head.GetOrCreate(L("__name__", "m"));
        head.Append(r, 1_000, 1);
        head.Append(r, 50_000, 5);
        head.Append(r, 20_000, 2);
        var result = Select(head, 10_000, 30_000, LabelMatcher.Equal("__name__", "m"));
        Assert.Equal("20000:2", Format(Assert.Single(result).Samples));
    }

    [Fact]
    public void A_large_result_reads_every_series_intact()
    {
        // Enough open chunks and out-of-order samples to fill many arena pages, and series skipped in between.
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = 1_000_000 });
        for (int s = 0; s < 2000; s++)
        {
            var r = head.GetOrCreate(L("__name__", "m", "s", s.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)));
            long first = s % 3 == 0 ? 100_000 : 0; // every third series starts after the range
            for (int i = 0; i < 100; i++)
            {
                head.Append(r, first + (i * 10) + 10, s + i);
            }

            head.Append(r, first + 5, -s); // out of order, before the first sample
        }

        var result = Select(head, 0, 50_000, LabelMatcher.Equal("__name__", "m"));
        Assert.Equal(1333, result.Count);
        foreach (var (labels, samples) in result)
        {
            int s = int.Parse(labels.Get("s"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(101, samples.Count);
            Assert.Equal((5L, Bits(-s)), samples[0]);
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal(((i * 10) + 10L, Bits(s + i)), samples[i + 1]);
            }
        }
    }

    [Fact]
    public void Iterators_are_reused_when_passed_back()
    {
        using var head = new Head();
        head.Append(head.GetOrCreate(L("__name__", "a")), 1, 1);
        head.Append(head.GetOrCreate(L("__name__", "b")), 1, 1);
        using var querier = head.Querier();
        using var set = querier.Select(0, 10, null, LabelMatcher.Regex("__name__", "a|b"));
        Assert.True(set.MoveNext());
        var first = set.Current.Iterator();
        Assert.True(set.MoveNext());
        Assert.Same(first, set.Current.Iterator(first));
        Assert.False(set.MoveNext());
        Assert.Empty(set.Warnings);
    }

    [Fact]
    public void A_snapshot_is_not_changed_by_later_appends()
    {
        using var head = new Head();
        var r = head.GetOrCreate(L("__name__", "m"));
        head.Append(r, 1, 1);
        using var querier = head.Querier();
        using var set = querier.Select(0, 1000, null, LabelMatcher.Equal("__name__", "m"));
        Assert.True(set.MoveNext());
        for (long t = 2; t < 500; t++)
        {
            head.Append(r, t, t); // grows and cuts the open chunk the snapshot copied
        }

        var it = set.Current.Iterator();
        Assert.True(it.Next());
        Assert.Equal((1L, 1.0), it.At());
        Assert.False(it.Next());
    }

    [Fact]
    public void Seek_follows_the_iterator_contract()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = 1000, SamplesPerChunk = 4, ChunkRange = 1000 });
        var r = head.GetOrCreate(L("__name__", "m"));
        foreach (long t in new long[] { 10, 20, 30, 40, 50, 60, 70, 80 })
        {
            head.Append(r, t, t);
        }

        head.Append(r, 35, 35); // out of order
        using var querier = head.Querier();
        using var set = querier.Select(15, 75, null, LabelMatcher.Equal("__name__", "m"));
        Assert.True(set.MoveNext());
        var it = set.Current.Iterator();
        Assert.True(it.Seek(0)); // before mint: the first sample in range
        Assert.Equal(20, it.At().Timestamp);
        Assert.True(it.Seek(10)); // never moves back
        Assert.Equal(20, it.At().Timestamp);
        Assert.True(it.Seek(31));
        Assert.Equal(35, it.At().Timestamp);
        Assert.True(it.Next());
        Assert.Equal(40, it.At().Timestamp);
        Assert.True(it.Seek(70));
        Assert.Equal(70, it.At().Timestamp);
        Assert.False(it.Seek(71)); // 80 is past maxt
        Assert.False(it.Next());
        Assert.False(it.Seek(0));
    }

    [Fact]
    public void Label_names_and_values_are_sorted_and_restricted_by_matchers()
    {
        using var head = new Head();
        head.GetOrCreate(L("__name__", "up", "job", "web", "zone", "b"));
        head.GetOrCreate(L("__name__", "up", "job", "api"));
        head.GetOrCreate(L("__name__", "down", "job", "db", "env", "x", "zone", "a"));
        using var q = head.Querier();

        Assert.Equal(["__name__", "env", "job", "zone"], q.LabelNames());
        Assert.Equal(["__name__", "job", "zone"], q.LabelNames(LabelMatcher.Equal("__name__", "up")));
        Assert.Equal(["api", "db", "web"], q.LabelValues("job"));
        Assert.Equal(["api", "web"], q.LabelValues("job", LabelMatcher.Equal("__name__", "up")));
        Assert.Equal(["b"], q.LabelValues("zone", LabelMatcher.Equal("__name__", "up")));
        Assert.Empty(q.LabelValues("env", LabelMatcher.Equal("__name__", "up")));
        Assert.Empty(q.LabelValues("nope"));
        Assert.Empty(q.LabelNames(LabelMatcher.Equal("__name__", "nope")));
    }

    [Fact]
    public void No_matchers_select_every_series_and_a_disposed_querier_refuses_use()
    {
        using var head = new Head();
        head.Append(head.GetOrCreate(L("a", "1")), 1, 1);
        head.Append(head.GetOrCreate(L("b", "1")), 1, 1);
        Assert.Equal(2, Select(head, 0, 10).Count);

        var querier = head.Querier();
        querier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => querier.Select(0, 10, null));
    }
}
