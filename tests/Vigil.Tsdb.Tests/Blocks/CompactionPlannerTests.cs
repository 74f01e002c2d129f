using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>The plan on block ranges written as "start-end" in units of 2 h (ranges 2 h, 6 h, 18 h), table-driven.</summary>
public sealed class CompactionPlannerTests
{
    private const long Unit = 2 * 3_600_000;

    [Theory]
    [InlineData("", "")]
    [InlineData("0-1", "")]
    [InlineData("0-1 1-2 2-3", "")] // the window is full only with the newest block, which is left out
    [InlineData("0-1 1-2 2-3 3-4", "0-1 1-2 2-3")] // three 2 h blocks fill a 6 h window
    [InlineData("0-1 1-2 3-4", "")] // [0, 6 h) is not full, and the newest block left out is all that comes after it
    [InlineData("0-1 1-2 3-4 4-5", "0-1 1-2")] // [0, 6 h) ends before the newest remaining block starts: it gets nothing more
    [InlineData("0-1 2-3 6-7", "0-1 2-3")] // a window with a gap, in the past
    [InlineData("0-1 1-2 2-3 3-4 4-5 5-6 6-7 7-8 8-9 9-10", "0-1 1-2 2-3")]
    [InlineData("0-3 3-6 6-7 7-8 8-9 9-10", "6-7 7-8 8-9")] // the first full 6 h window, then 18 h: smallest range first
    [InlineData("0-3 3-6 6-9 9-10", "0-3 3-6 6-9")] // three 6 h blocks fill an 18 h window
    [InlineData("0-2 2-3 3-4", "0-2 2-3")] // a 4 h and a 2 h block fill [0, 6 h) too
    [InlineData("1-2 2-4 4-5 5-6 9-10 10-11", "4-5 5-6")] // 2-4 crosses 6 h and is in no 6 h group; 1-2 is alone in its window
    [InlineData("0-1 0-1 1-2", "0-1 0-1")] // overlapping blocks first, newest or not
    [InlineData("0-2 1-3 5-6", "0-2 1-3")]
    [InlineData("0-1 1-2 2-3 2-4", "2-3 2-4")]
    public void Plan(string blocks, string expected)
    {
        var metas = Parse(blocks).ToList();
        var plan = CompactionPlanner.Plan(metas, CompactionPlanner.ExponentialRanges(Unit, 3, 3));
        Assert.Equal(expected, string.Join(" ", plan.Select(m => $"{m.MinTime / Unit}-{m.MaxTime / Unit}")));
    }

    [Fact]
    public void Ranges_grow_by_the_factor()
    {
        Assert.Equal([Unit, 3 * Unit, 9 * Unit], CompactionPlanner.ExponentialRanges(Unit, 3, 3));
        Assert.Equal([Unit, 3 * Unit, 9 * Unit], CompactorOptions.Default.Ranges);
    }

    [Fact]
    public void Split_by_range_groups_blocks_by_aligned_window_and_skips_those_that_cross_one()
    {
        // Prometheus's own example: [0-10, 10-20, 50-60, 90-100] split by 30 is [0-10, 10-20], [50-60], [90-100].
        var metas = new[] { (0, 10), (10, 20), (50, 60), (90, 100), (115, 125) }.Select(r => Meta(r.Item1, r.Item2)).ToList();
        var groups = CompactionPlanner.SplitByRange(metas, 30);
        Assert.Equal("0-10 10-20|50-60|90-100", string.Join("|", groups.Select(g => string.Join(" ", g.Select(m => $"{m.MinTime}-{m.MaxTime}")))));

        // Negative times align downwards too.
        Assert.Single(CompactionPlanner.SplitByRange([Meta(-30, -20), Meta(-20, -10)], 30));
    }

    private static IEnumerable<BlockMeta> Parse(string blocks) =>
        blocks.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b =>
        {
            var parts = b.Split('-');
            return Meta(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * Unit, long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * Unit);
        });

    private static BlockMeta Meta(long min, long max)
    {
        var ulid = Ulid.New();
        return new BlockMeta(ulid, min, max, default, new BlockCompaction(1, [ulid], []));
    }
}
