namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Which blocks to compact next (Prometheus's <c>LeveledCompactor.Plan</c>), over block ranges that grow by a
/// factor, 2 h, 6 h, 18 h by default (<see cref="ExponentialRanges"/>). Pure: metas in, metas out.
/// </summary>
/// <remarks>
/// The rules, in order:
/// <list type="number">
/// <item>Blocks that overlap in time are compacted together first (the first run of overlapping blocks).</item>
/// <item>The newest block is left out, so that a just-cut block stays as it is for a full block range (Prometheus
/// keeps it for piecewise backups; here it also keeps compaction off the block that may still be re-read).</item>
/// <item>For each range after the first, smallest first, the remaining blocks are grouped by the aligned window of
/// that range they fall into (a block that crosses a window boundary belongs to no group). The first group of two
/// or more blocks that either spans its whole window, or ends before the newest remaining block starts (the
/// window will get no more blocks), is the plan. Three 2 h blocks filling a 6 h window are the usual case.</item>
/// </list>
/// </remarks>
internal static class CompactionPlanner
{
    /// <summary>Prometheus's <c>ExponentialBlockRanges</c>: <paramref name="count"/> ranges from <paramref name="min"/>, each <paramref name="factor"/> times the last.</summary>
    public static long[] ExponentialRanges(long min, int count, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        var ranges = new long[count];
        ranges[0] = min;
        for (int i = 1; i < count; i++)
        {
            ranges[i] = checked(ranges[i - 1] * factor);
        }

        return ranges;
    }

    /// <summary>The blocks to compact into one, in time order, or an empty list when there is nothing to do.</summary>
    public static IReadOnlyList<BlockMeta> Plan(IEnumerable<BlockMeta> blocks, IReadOnlyList<long> ranges)
    {
        var sorted = blocks.OrderBy(b => b.MinTime).ThenBy(b => b.Ulid).ToList();
        var overlapping = FirstOverlapping(sorted);
        if (overlapping.Count > 0)
        {
            return overlapping;
        }

        if (sorted.Count < 2)
        {
            return [];
        }

        sorted.RemoveAt(sorted.Count - 1);
        long highTime = sorted[^1].MinTime;
        for (int r = 1; r < ranges.Count; r++)
        {
            foreach (var group in SplitByRange(sorted, ranges[r]))
            {
                long span = group[^1].MaxTime - group[0].MinTime;
                if (group.Count > 1 && (span == ranges[r] || group[^1].MaxTime <= highTime))
                {
                    return group;
                }
            }
        }

        return [];
    }

    /// <summary>The first run of blocks, in time order, each overlapping what came before it in the run.</summary>
    private static List<BlockMeta> FirstOverlapping(List<BlockMeta> sorted)
    {
        var run = new List<BlockMeta>();
        long maxTime = long.MinValue;
        for (int i = 0; i < sorted.Count; i++)
        {
            if (i > 0 && sorted[i].MinTime < maxTime)
            {
                if (run.Count == 0)
                {
                    run.Add(sorted[i - 1]);
                }

                run.Add(sorted[i]);
            }
            else if (run.Count > 0)
            {
                break;
            }

            maxTime = Math.Max(maxTime, sorted[i].MaxTime);
        }

        return run;
    }

    /// <summary>
    /// Groups blocks by the window [k·range, (k+1)·range) that holds them entirely; blocks that fit no single
    /// window are skipped (Prometheus's <c>splitByRange</c>).
    /// </summary>
    internal static List<List<BlockMeta>> SplitByRange(List<BlockMeta> sorted, long range)
    {
        var groups = new List<List<BlockMeta>>();
        for (int i = 0; i < sorted.Count;)
        {
            long start = Math.DivRem(sorted[i].MinTime, range, out long rem) * range - (rem < 0 ? range : 0);
            if (sorted[i].MaxTime > start + range)
            {
                i++;
                continue;
            }

            var group = new List<BlockMeta>();
            while (i < sorted.Count && sorted[i].MinTime >= start && sorted[i].MaxTime <= start + range)
            {
                group.Add(sorted[i++]);
            }

            groups.Add(group);
        }

        return groups;
    }
}
