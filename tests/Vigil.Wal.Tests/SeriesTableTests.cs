using System.Globalization;

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
    public void Colliding_hashes_are_told_apart_by_bytes()
    {
        var table = new SeriesTable(static _ => 42UL);
        for (int i = 0; i < 300; i++)
        {
            table.Add(Labels(i));
        }

        for (int i = 0; i < 300; i++)
        {
            Assert.True(table.TryGet(Labels(i), out ulong seriesRef));
            Assert.Equal((ulong)i + 1, seriesRef);
        }

        Assert.False(table.TryGet(Labels(300), out _));
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
    public void Stores_label_sets_larger_than_a_slab_quarter()
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
            Assert.True(seen.Add(SeriesTable.Hash(Labels(i))));
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
