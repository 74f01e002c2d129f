using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

public sealed class CompactorTests
{
    private const long TwoHours = 2 * 3_600_000;

    [Fact]
    public void Three_blocks_compact_into_one_that_holds_their_union()
    {
        using var temp = new TempDirectory();
        using var head = new Head();

        // Series come and go: some in every block, some in one only, so the merge by labels has every case.
        for (int s = 0; s < 12; s++)
        {
            var r = head.GetOrCreate(L("__name__", "m", "s", s.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)));
            for (long t = (s % 3) * TwoHours; t < 3 * TwoHours - ((s % 4) * TwoHours / 2); t += Step)
            {
                Assert.Equal(AppendError.None, head.Append(r, t, t % 7 == 0 ? StaleNaN : t / 1000.0));
            }
        }

        using var blocks = BlockDirectory.Open(temp.Path);
        for (int i = 0; i < 3; i++)
        {
            blocks.WriteBlock(head.ChunksInRange(i * TwoHours, (i + 1) * TwoHours), i * TwoHours, (i + 1) * TwoHours);
        }

        var sources = blocks.Blocks.ToList();
        string union;
        using (var querier = blocks.Querier())
        {
            union = Describe(Read(querier, long.MinValue, long.MaxValue));
        }

        var compacted = new Compactor(blocks).Compact(sources)!;
        Assert.Equal([compacted], blocks.Blocks);
        Assert.All(sources, s => Assert.False(Directory.Exists(s.Directory)));

        var meta = compacted.Meta;
        Assert.Equal((0L, 3 * TwoHours), (meta.MinTime, meta.MaxTime));
        Assert.Equal(2, meta.Compaction.Level);
        Assert.Equal(sources.Select(s => s.Ulid).Order(), meta.Compaction.Sources);
        Assert.Equal(sources.Select(s => new BlockParent(s.Ulid, s.Meta.MinTime, s.Meta.MaxTime)), meta.Compaction.Parents);
        Assert.Equal(sources.Sum(s => s.Meta.Stats.NumSamples), meta.Stats.NumSamples);
        Assert.Equal(sources.Sum(s => s.Meta.Stats.NumChunks), meta.Stats.NumChunks); // copied, not re-encoded
        Assert.Equal(10, meta.Stats.NumSeries); // s = 2 and 11 start after they end: never in any block

        using var after = compacted.Querier();
        Assert.Equal(union, Describe(Read(after, long.MinValue, long.MaxValue)));
        Assert.Equal(Describe(Read(head.Querier(), 0, (3 * TwoHours) - 1)), union);
    }

    [Fact]
    public void Overlapping_blocks_are_merged_sample_by_sample_keeping_the_older_blocks_sample()
    {
        using var temp = new TempDirectory();
        using var first = FilledHead(series: 2, samples: 200, start: 0, value: (s, n) => n);
        using var second = FilledHead(series: 3, samples: 200, start: 100 * Step, value: (s, n) => -n);
        using var blocks = BlockDirectory.Open(temp.Path);
        blocks.WriteBlock(first.ChunksInRange(0, TwoHours), 0, TwoHours);
        blocks.WriteBlock(second.ChunksInRange(0, TwoHours), 0, TwoHours);

        var plan = CompactionPlanner.Plan(blocks.Blocks.Select(b => b.Meta), CompactorOptions.Default.Ranges);
        Assert.Equal(2, plan.Count);
        var compacted = new Compactor(blocks).CompactOnce()!;

        using var querier = compacted.Querier();
        var series = Read(querier, long.MinValue, long.MaxValue);
        Assert.Equal(3, series.Count);
        foreach (var (labels, samples) in series)
        {
            bool inFirst = labels.Get("i") != "0002";
            Assert.Equal(inFirst ? 300 : 200, samples.Count);
            Assert.Equal(samples.Select(s => s.T).Distinct().Count(), samples.Count);
            foreach (var (t, bits) in samples)
            {
                long n = t / Step;
                double want = inFirst && n < 200 ? n : -(n - 100);
                Assert.Equal(Bits(want), bits);
            }
        }
    }

    [Fact]
    public void Compact_all_follows_the_plan_until_nothing_is_left_to_do()
    {
        using var temp = new TempDirectory();
        using var head = FilledHead(series: 2, samples: 5 * 480);
        using var blocks = BlockDirectory.Open(temp.Path);
        for (int i = 0; i < 5; i++)
        {
            blocks.WriteBlock(head.ChunksInRange(i * TwoHours, (i + 1) * TwoHours), i * TwoHours, (i + 1) * TwoHours);
        }

        // [0, 6 h) fills its window and lies before the newest block: compacted. [6 h, 8 h) waits for its window.
        Assert.Equal(1, new Compactor(blocks).CompactAll());
        Assert.Equal([(0L, 3 * TwoHours), (3 * TwoHours, 4 * TwoHours), (4 * TwoHours, 5 * TwoHours)], blocks.Blocks.Select(b => (b.Meta.MinTime, b.Meta.MaxTime)));
        using var querier = blocks.Querier();
        Assert.Equal(Describe(Read(head.Querier(), 0, long.MaxValue)), Describe(Read(querier, long.MinValue, long.MaxValue)));
    }
}
