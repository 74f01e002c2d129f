using System.Globalization;
using Vigil.Common.Hashing;

namespace Vigil.Wal.Tests;

public sealed class SeriesTableTests
{
    private static byte[] Labels(int i) =>
        CanonicalLabels.Encode(("__name__", "metric"), ("i", i.ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void Assigns_sequential_refs_and_finds_them_again()
    {
        var table = new SeriesTable();
        const int n = 50_000;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal((ulong)i + 1, table.Add(Labels(i)));
        }

        Assert.Equal(n, table.Count);
        Assert.Equal((ulong)n + 1, table.NextRef);
        for (int i = 0; i < n; i += 7)
        {
            Assert.True(table.TryGet(Labels(i), out ulong seriesRef));
            Assert.Equal((ulong)i + 1, seriesRef);
        }

        Assert.False(table.TryGet(Labels(n), out _));
        Assert.Equal(5UL, table.Add(Labels(4))); // adding again returns the existing ref
        Assert.Equal(n, table.Count);
    }

    [Fact]
    public void Keys_sharing_a_slot_lane_are_told_apart_by_the_other_lane()
    {
        var table = new HashRefTable();
        for (ulong i = 0; i < 300; i++)
        {
            Assert.True(table.TryAdd(42, i, i + 1, out _));
        }

        Assert.False(table.TryAdd(42, 7, 999, out ulong existing));
        Assert.Equal(8UL, existing);
        for (ulong i = 0; i < 300; i++)
        {
            Assert.True(table.TryGet(42, i, out ulong seriesRef));
            Assert.Equal(i + 1, seriesRef);
        }

        Assert.False(table.TryGet(42, 300, out _));
        Assert.False(table.TryGet(43, 0, out _));
        Assert.Equal(300, table.Count);
    }

    [Fact]
    public void A_snapshot_gives_every_series_in_insertion_order_across_blocks()
    {
        var table = new SeriesTable();
        byte[] huge = CanonicalLabels.Encode(("__name__", "big"), ("v", new string('x', 400_000)));
        var expected = new List<(ulong Ref, byte[] Labels)>();
        for (int i = 0; i < 5_000; i++)
        {
            byte[] labels = i == 2_500 ? huge : Labels(i);
            expected.Add((table.Add(labels), labels));
            table.Add(labels); // seen again: stored once
        }

        using SeriesTable.Snapshot snapshot = table.TakeSnapshot();
        for (int i = 0; i < 10_000; i++)
        {
            table.Add(Labels(-1 - i)); // after the snapshot (growing the page directory): not in it
        }

        foreach (var (seriesRef, labels) in expected)
        {
            Assert.True(snapshot.TryReadNext(out ulong gotRef, out ReadOnlySpan<byte> gotLabels));
            Assert.Equal(seriesRef, gotRef);
            Assert.True(gotLabels.SequenceEqual(labels));
        }

        Assert.False(snapshot.TryReadNext(out _, out _));
    }

    [Fact]
    public void The_label_log_keeps_much_less_than_the_labels()
    {
        var log = new SeriesLabelLog();
        long raw = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] labels = CanonicalLabels.Encode(("__name__", "node_cpu_seconds_total"), ("cpu", (i % 16).ToString(CultureInfo.InvariantCulture)),
                ("instance", "host-" + (i / 128).ToString("D5", CultureInfo.InvariantCulture) + ":9100"), ("job", "node"), ("mode", "m" + (i % 8)));
            log.Append(labels);
            raw += labels.Length;
        }

        Assert.True(log.Bytes * 4 < raw, $"{log.Bytes} bytes kept for {raw} bytes of labels");
    }

    [Fact]
    public void AddExisting_keeps_refs_and_advances_NextRef()
    {
        var table = new SeriesTable();
        table.AddExisting(10, Labels(1));
        table.AddExisting(3, Labels(2));
        table.AddExisting(11, Labels(1)); // same labels again: first ref wins

        Assert.True(table.TryGet(Labels(1), out ulong first));
        Assert.Equal(10UL, first);
        Assert.Equal(2, table.Count);
        Assert.Equal(12UL, table.NextRef);
        Assert.Equal(12UL, table.Add(Labels(3)));
    }

    [Fact]
    public void Stores_label_sets_larger_than_a_block()
    {
        var table = new SeriesTable();
        byte[] huge = CanonicalLabels.Encode(("__name__", "big"), ("v", new string('x', 400_000)));
        table.Add(Labels(1));
        ulong hugeRef = table.Add(huge);
        table.Add(Labels(2));

        Assert.True(table.TryGet(huge, out ulong found));
        Assert.Equal(hugeRef, found);
        Assert.True(table.TryGet(Labels(2), out ulong second));
        Assert.Equal(3UL, second);
    }

    [Fact]
    public void Hash_spreads_similar_inputs()
    {
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(seen.Add(Hash128.Hash(Labels(i)).H1));
        }
    }
}

public sealed class HotPathAllocationTests
{
    [Fact]
    public void Lookup_hits_and_batch_appends_do_not_allocate_once_warm()
    {
        var table = new SeriesTable();
        byte[] labels = CanonicalLabels.Encode(("__name__", "up"), ("job", "node"));
        table.Add(labels);
        var batch = new WalBatch();
        Fill(table, batch, labels); // grow the batch's pooled buffers once

        batch.Reset();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fill(table, batch, labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_000, batch.SampleCount);
    }

    private static void Fill(SeriesTable table, WalBatch batch, byte[] labels)
    {
        for (int i = 0; i < 10_000; i++)
        {
            table.TryGet(labels, out ulong seriesRef);
            batch.AddSample(seriesRef, i, i);
            if (i % 100 == 0)
            {
                batch.AddSeries(seriesRef, labels);
            }
        }
    }
}
