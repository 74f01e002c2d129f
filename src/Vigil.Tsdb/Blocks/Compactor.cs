using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>How the <see cref="Compactor"/> plans and writes.</summary>
internal sealed record CompactorOptions
{
    public static CompactorOptions Default { get; } = new();

    /// <summary>
    /// Default 2 h, 6 h, 18 h: Prometheus's ranges (<c>ExponentialBlockRanges(2h, 10, 3)</c>) up to its default
    /// maximum block duration, a tenth of the default 15 d retention. The first range is the head's block size.
    /// </summary>
    public IReadOnlyList<long> Ranges { get; init; } = CompactionPlanner.ExponentialRanges(HeadOptions.DefaultChunkRange, 3, 3);

    /// <summary>Target samples per chunk when blocks that overlap have to be merged sample by sample.</summary>
    public int SamplesPerChunk { get; init; } = XorChunk.DefaultSamplesPerChunk;

    public BlockWriteOptions Write { get; init; } = BlockWriteOptions.Default;
}

/// <summary>
/// Merges adjacent blocks into one larger block (Prometheus's <c>LeveledCompactor</c>): the series of every source,
/// merged by labels, with their chunks copied as they are when the sources do not overlap in time, and merged
/// sample by sample (<see cref="ChunkRecoder"/>) where they do. The new block's level is one more than its highest
/// source's, its sources the union of theirs, its parents the blocks it replaces.
/// </summary>
/// <remarks>
/// Crash safety comes from the order of steps: the new block is written to a temporary directory and renamed into
/// place (<see cref="BlockWriter"/>), and only then are the sources deleted. A crash before the rename leaves a
/// <c>.tmp</c> directory and the sources intact; a crash after it leaves sources that the new block names as its
/// parents, and <see cref="BlockDirectory.Open"/> deletes them. Either way no sample is lost or doubled.
/// <para>
/// One compaction at a time: two compactors choosing the same sources would both write a merged block (harmless to
/// queries, which dedupe, but wasted work and an overlap for the next plan). The caller runs one, in the background.
/// </para>
/// </remarks>
internal sealed class Compactor
{
    private readonly BlockDirectory _directory;

    public Compactor(BlockDirectory directory, CompactorOptions? options = null)
    {
        _directory = directory;
        Options = options ?? CompactorOptions.Default;
    }

    public CompactorOptions Options { get; }

    /// <summary>Compacts what <see cref="CompactionPlanner.Plan"/> picks, once; returns the new block, or null when there was nothing to do.</summary>
    public Block? CompactOnce()
    {
        var blocks = _directory.Blocks;
        var plan = CompactionPlanner.Plan(blocks.Select(b => b.Meta), Options.Ranges);
        if (plan.Count == 0)
        {
            return null;
        }

        var chosen = plan.Select(meta => blocks.First(b => b.Ulid == meta.Ulid)).ToList();
        return Compact(chosen);
    }

    /// <summary>Compacts until the plan is empty (each compaction may make the next one possible); returns how many ran.</summary>
    public int CompactAll()
    {
        int count = 0;
        while (CompactOnce() is not null)
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Writes one block holding everything <paramref name="sources"/> hold, puts it in their place in the
    /// directory and deletes them. Returns the new block, or null if a source was closed meanwhile.
    /// </summary>
    public Block? Compact(IReadOnlyList<Block> sources)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sources.Count, 1);
        var ordered = sources.OrderBy(b => b.Meta.MinTime).ThenBy(b => b.Ulid).ToList();
        var leased = new List<Block>();
        try
        {
            foreach (var block in ordered)
            {
                if (!block.TryAcquire())
                {
                    return null;
                }

                leased.Add(block);
            }

            long mint = ordered.Min(b => b.Meta.MinTime);
            long maxt = ordered.Max(b => b.Meta.MaxTime);
            var options = Options.Write with { Compaction = _ => Lineage(ordered) };
            var merged = BlockWriter.Write(_directory.Path, MergeSeries(ordered), mint, maxt, options);
            if (merged is null)
            {
                return null;
            }

            var result = Block.Open(Path.Combine(_directory.Path, merged.Ulid.ToString()));
            _directory.Replace(ordered, result);
            return result;
        }
        finally
        {
            leased.ForEach(b => b.Release());
        }
    }

    private static BlockCompaction Lineage(List<Block> sources) => new(
        sources.Max(b => b.Meta.Compaction.Level) + 1,
        sources.SelectMany(b => b.Meta.Compaction.Sources).Distinct().Order().ToList(),
        sources.Select(b => new BlockParent(b.Ulid, b.Meta.MinTime, b.Meta.MaxTime)).ToList());

    /// <summary>The series of all sources in label order, those with equal labels merged (see <see cref="MergeChunks"/>).</summary>
    private IEnumerable<SeriesChunks> MergeSeries(List<Block> sources)
    {
        var lists = sources.Select(ReadAllSeries).ToList();
        var positions = new int[lists.Count];
        var recoder = new ChunkRecoder();
        while (true)
        {
            Labels? smallest = null;
            for (int i = 0; i < lists.Count; i++)
            {
                if (positions[i] < lists[i].Count && (smallest is null || Labels.Compare(lists[i][positions[i]].Labels, smallest) < 0))
                {
                    smallest = lists[i][positions[i]].Labels;
                }
            }

            if (smallest is null)
            {
                yield break;
            }

            var parts = new List<(int Source, ChunkMeta[] Chunks)>();
            for (int i = 0; i < lists.Count; i++)
            {
                if (positions[i] < lists[i].Count && Labels.Compare(lists[i][positions[i]].Labels, smallest) == 0)
                {
                    parts.Add((i, lists[i][positions[i]++].Chunks));
                }
            }

            yield return new SeriesChunks(smallest, MergeChunks(sources, parts, recoder));
        }
    }

    /// <summary>
    /// One series' chunks from its sources, in source (time) order. Copied as they are when each starts after the
    /// previous one ends; otherwise (overlapping blocks) every sample is decoded and merged, the earlier source
    /// winning a timestamp both hold.
    /// </summary>
    private List<ChunkData> MergeChunks(List<Block> sources, List<(int Source, ChunkMeta[] Chunks)> parts, ChunkRecoder recoder)
    {
        var chunks = new List<ChunkData>();
        bool ordered = true;
        foreach (var (source, metas) in parts)
        {
            foreach (var meta in metas)
            {
                ordered &= chunks.Count == 0 || meta.MinTime > chunks[^1].MaxTime;
                var bytes = sources[source].Chunks.Chunk(meta.Ref, out var encoding);
                chunks.Add(new ChunkData(meta.MinTime, meta.MaxTime, bytes, encoding));
            }
        }

        if (ordered)
        {
            return chunks;
        }

        int n = 0;
        foreach (var (source, metas) in parts)
        {
            foreach (var meta in metas)
            {
                var chunk = chunks[n++];
                recoder.AddChunk(chunk.Bytes, long.MinValue, long.MaxValue, source, chunk.Encoding);
            }
        }

        return recoder.Encode(Options.SamplesPerChunk);
    }

    /// <summary>Every series of a block with its chunk metas, in <see cref="Labels.Compare"/> order (re-sorted if the block's order differs).</summary>
    private static List<(Labels Labels, ChunkMeta[] Chunks)> ReadAllSeries(Block block)
    {
        var index = block.Index;
        var entry = new SeriesEntry();
        var all = new List<(Labels Labels, ChunkMeta[] Chunks)>();
        bool sorted = true;
        foreach (ulong seriesRef in index.PostingsForMatchers([]))
        {
            index.ReadSeries(seriesRef, entry);
            var labels = index.LabelsOf(entry);
            sorted &= all.Count == 0 || Labels.Compare(all[^1].Labels, labels) < 0;
            all.Add((labels, entry.Chunks.ToArray()));
        }

        if (!sorted)
        {
            all.Sort(static (a, b) => Labels.Compare(a.Labels, b.Labels));
        }

        return all;
    }
}
