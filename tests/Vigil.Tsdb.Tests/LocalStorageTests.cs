using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests;

/// <summary>Issue 5: the head is cut into blocks every chunk range, blocks survive a restart, retention deletes whole blocks.</summary>
public sealed class LocalStorageTests : IDisposable
{
    private const long Range = 60_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Head_data_is_cut_into_blocks_and_stays_queryable_across_a_restart()
    {
        long[] times = [.. Enumerable.Range(0, 60).Select(i => i * 5_000L)];
        using (var storage = Open())
        {
            Append(storage, "a", times);
            await storage.MaintainAsync();

            // The head spanned 295 s: every whole range that ended 30 s (half a range) before its newest sample is in a block.
            Assert.Equal([(0, 60_000), (60_000, 120_000), (120_000, 180_000), (180_000, 240_000)], storage.Blocks.Blocks.Select(b => (b.Meta.MinTime, b.Meta.MaxTime)));
            Assert.Equal(240_000, storage.Head.MinValidTime);
            Assert.Equal(times, Read(storage, "a"));
            Assert.Equal(AppendError.OutOfBounds, storage.Head.Append(storage.Head.GetOrCreate(Labels.FromPairs(("__name__", "a"))), 239_999, 1));
        }

        using var reopened = Open();
        Assert.Equal(4, reopened.Blocks.Blocks.Count);
        Assert.Equal(240_000, reopened.PersistedBefore);
        Assert.Equal(times.Where(t => t < 240_000), Read(reopened, "a"));
    }

    [Fact]
    public async Task An_out_of_order_window_longer_than_half_a_range_holds_the_cut_until_it_has_passed()
    {
        // Window 150 s with 60 s ranges: a sample 140 s older than the newest is accepted, before and after a cut.
        using var storage = new LocalStorage(new LocalStorageOptions(_dir, OutOfOrderTimeWindowMs: 150_000) { ChunkRangeMs = Range });
        var series = storage.Head.GetOrCreate(Labels.FromPairs(("__name__", "a")));
        long[] times = [.. Enumerable.Range(0, 60).Select(i => i * 5_000L)]; // up to 295 s
        foreach (long t in times)
        {
            Assert.Equal(AppendError.None, storage.Head.Append(series, t, t / 1000.0));
        }

        await storage.MaintainAsync();

        // Only ranges that end 150 s or more before the newest sample are blocks: [0, 60 s) and [60 s, 120 s).
        Assert.Equal([(0, 60_000), (60_000, 120_000)], storage.Blocks.Blocks.Select(b => (b.Meta.MinTime, b.Meta.MaxTime)));
        Assert.Equal(AppendError.None, storage.Head.Append(series, 155_001, 155.001)); // 140 s late: inside the window
        Assert.Equal(AppendError.OutOfBounds, storage.Head.Append(series, 119_999, 119.999)); // in a block
        Assert.Contains(155_001L, Read(storage, "a"));
    }

    [Fact]
    public async Task A_ranged_querier_asks_only_the_blocks_and_head_that_overlap_it()
    {
        using var storage = Open();
        Append(storage, "old", [.. Enumerable.Range(0, 30).Select(i => i * 5_000L)]); // 0 to 145 s: blocks once cut
        Append(storage, "new", [.. Enumerable.Range(50, 10).Select(i => i * 5_000L)]); // 250 to 295 s: stays in the head
        await storage.MaintainAsync();
        Assert.NotEmpty(storage.Blocks.Blocks);

        string Names(long mint, long maxt)
        {
            using var querier = storage.Querier(mint, maxt);
            return string.Join(",", querier.LabelValues("__name__"));
        }

        Assert.Equal("new", Names(250_000, 300_000));
        Assert.Equal("old", Names(0, 59_999)); // the first block only; the head starts later
        Assert.Equal("new,old", Names(0, 300_000));
        Assert.Equal("", Names(400_000, 500_000));
    }

    [Fact]
    public async Task Retention_deletes_whole_blocks_oldest_first()
    {
        using var storage = Open(retentionMs: 2 * Range);
        Append(storage, "a", [.. Enumerable.Range(0, 100).Select(i => i * 5_000L)]);
        await storage.MaintainAsync();

        // Blocks end at 60 s ... 420 s; those ending two ranges or more before the newest block's end are gone.
        Assert.All(storage.Blocks.Blocks, b => Assert.True(420_000 - b.Meta.MaxTime < 2 * Range));
        Assert.Equal(5, storage.Counters.RetentionDeletions);
        Assert.Equal(300_000, Read(storage, "a").Min());
    }

    [Fact]
    public async Task Retention_by_size_keeps_the_newest_blocks_under_the_limit()
    {
        using var storage = Open(retentionBytes: 1);
        Append(storage, "a", [.. Enumerable.Range(0, 60).Select(i => i * 5_000L)]);
        await storage.MaintainAsync();

        Assert.Empty(storage.Blocks.Blocks);
        Assert.Equal(4, storage.Counters.RetentionDeletions);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_snapshot_is_a_tsdb_of_the_blocks_and_unless_skipped_the_head(bool skipHead)
    {
        long[] times = [.. Enumerable.Range(0, 60).Select(i => i * 5_000L)];
        using var storage = Open();
        Append(storage, "a", times);
        await storage.MaintainAsync(); // blocks up to 240 s, the rest in the head

        string name = storage.Snapshot(skipHead);
        Assert.Matches(@"^\d{8}T\d{6}Z-[0-9a-f]{16}$", name);
        using var snapshot = Vigil.Tsdb.Blocks.BlockDirectory.OpenReadOnly(Path.Combine(storage.SnapshotsDirectory, name));
        Assert.Equal(skipHead ? 4 : 5, snapshot.Blocks.Count);
        using var querier = snapshot.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, LabelMatcher.Equal("__name__", "a"));
        var read = new List<long>();
        while (set.MoveNext())
        {
            var iterator = set.Current.Iterator();
            while (iterator.Next())
            {
                read.Add(iterator.At().Timestamp);
            }
        }

        Assert.Equal(skipHead ? times.Where(t => t < 240_000) : times, read);

        // The live TSDB is unchanged: the head block went to the snapshot only.
        Assert.Equal(4, storage.Blocks.Blocks.Count);
        Assert.Equal(times, Read(storage, "a"));
    }

    private LocalStorage Open(long retentionMs = 0, long retentionBytes = 0) =>
        new(new LocalStorageOptions(_dir, 0, retentionMs, retentionBytes) { ChunkRangeMs = Range });

    private static void Append(LocalStorage storage, string name, long[] times)
    {
        var series = storage.Head.GetOrCreate(Labels.FromPairs(("__name__", name)));
        foreach (long t in times)
        {
            Assert.Equal(AppendError.None, storage.Head.Append(series, t, t / 1000.0));
        }
    }

    private static List<long> Read(LocalStorage storage, string name)
    {
        using var querier = storage.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, LabelMatcher.Equal("__name__", name));
        var times = new List<long>();
        while (set.MoveNext())
        {
            var iterator = set.Current.Iterator();
            while (iterator.Next())
            {
                var (t, v) = iterator.At();
                Assert.Equal(t / 1000.0, v);
                times.Add(t);
            }
        }

        return times;
    }
}

/// <summary>Issue 5, "Disk": a corrupt block is detected by checksum at open and set aside; the rest stays readable.</summary>
public sealed class CorruptBlockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("flip a chunk byte")]
    [InlineData("flip an index byte")]
    [InlineData("truncate the index")]
    [InlineData("truncate a chunk segment")]
    public async Task A_corrupt_block_is_set_aside_at_open_with_one_log_line_and_the_others_stay_readable(string damage)
    {
        using (var storage = Open(_ => { }))
        {
            var series = storage.Head.GetOrCreate(Labels.FromPairs(("__name__", "a")));
            foreach (long t in Enumerable.Range(0, 60).Select(i => i * 5_000L))
            {
                storage.Head.Append(series, t, t);
            }

            await storage.MaintainAsync();
            Assert.Equal(4, storage.Blocks.Blocks.Count);
        }

        string victim = Directory.GetDirectories(_dir).Order(StringComparer.Ordinal).ElementAt(1);
        Damage(victim, damage);

        var log = new List<string>();
        using var reopened = Open(log.Add);

        Assert.Equal(3, reopened.Blocks.Blocks.Count);
        Assert.True(Directory.Exists(victim + ".corrupt"), "the corrupt block is kept aside for inspection");
        string line = Assert.Single(log, l => l.Contains("corrupt", StringComparison.Ordinal));
        Assert.Contains(victim, line, StringComparison.Ordinal);
        using var querier = reopened.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, LabelMatcher.Equal("__name__", "a"));
        Assert.True(set.MoveNext());
        var times = new List<long>();
        var iterator = set.Current.Iterator();
        while (iterator.Next())
        {
            times.Add(iterator.At().Timestamp);
        }

        Assert.Equal(Enumerable.Range(0, 48).Select(i => i * 5_000L).Where(t => t is < 60_000 or >= 120_000), times);
    }

    private static void Damage(string block, string damage)
    {
        string index = Path.Combine(block, "index");
        string chunks = Directory.GetFiles(Path.Combine(block, "chunks")).Single();
        switch (damage)
        {
            case "flip a chunk byte":
                Flip(chunks, new FileInfo(chunks).Length - 6);
                break;
            case "flip an index byte":
                Flip(index, new FileInfo(index).Length / 2);
                break;
            case "truncate the index":
                using (var file = File.OpenWrite(index))
                {
                    file.SetLength(file.Length - 20);
                }

                break;
            default:
                using (var file = File.OpenWrite(chunks))
                {
                    file.SetLength(file.Length - 3);
                }

                break;
        }
    }

    private static void Flip(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x5a));
    }

    private LocalStorage Open(Action<string> log) =>
        new(new LocalStorageOptions(_dir, 0) { ChunkRangeMs = 60_000 }, log);
}
