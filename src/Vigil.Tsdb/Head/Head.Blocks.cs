using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>What a block cut from the head reads (Prometheus's <c>RangeHead</c> handed to the compactor).</summary>
internal sealed partial class Head
{
    /// <summary>
    /// The series with samples in [<paramref name="mint"/>, <paramref name="maxt"/>) (maximum exclusive, as a
    /// block's), sorted by <see cref="Labels.Compare"/>, each with its chunks in that range, ready for
    /// <see cref="BlockWriter"/>. Closed chunks inside the range are shared as they are, the open one is copied;
    /// a series with a chunk that straddles the range or with out-of-order samples in it has its samples in range
    /// merged in time order and encoded into new chunks (see <see cref="MemSeries.ChunksInRange"/>). With
    /// <see cref="HeadOptions.BlockSamplesPerChunk"/> above <see cref="HeadOptions.SamplesPerChunk"/>, a series'
    /// chunks are also merged into longer ones.
    /// </summary>
    /// <remarks>
    /// Lazy: each series is read under its lock when the enumeration reaches it, so appends go on meanwhile. The
    /// caller should make sure no sample can still arrive in the range (raise <see cref="MinValidTime"/> past it,
    /// or cut only ranges the out-of-order window has left behind), or the block may miss a late one.
    /// </remarks>
    internal IEnumerable<SeriesChunks> ChunksInRange(long mint, long maxt)
    {
        var all = _series.Snapshot();
        all.Sort(static (a, b) => InternedLabels.Compare(a.Labels, b.Labels));
        var recoder = new ChunkRecoder();
        foreach (var series in all)
        {
            List<ChunkData> chunks;
            lock (series.Lock)
            {
                if (series.Deleted)
                {
                    continue;
                }

                chunks = series.ChunksInRange(mint, maxt, Options.SamplesPerChunk, recoder, _chunkFile, Options.BlockSamplesPerChunk);
            }

            if (chunks.Count > 0)
            {
                yield return new SeriesChunks(series.ToLabels(), chunks);
            }
        }
    }
}
