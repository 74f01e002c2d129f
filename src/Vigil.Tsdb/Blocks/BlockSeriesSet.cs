using System.Buffers;
using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// The series of one block select, in label order. The first <see cref="MoveNext"/> decodes the selected series
/// entries, keeps those with a chunk overlapping the range (their label sets built from the block's symbols, their
/// overlapping chunk metas in one array), and sorts them if the block's order is not <see cref="Labels.Compare"/>'s
/// (BlockFormat.cs, difference 4). Each <see cref="MoveNext"/> then skips a series whose chunks hold no sample in
/// the range, which only decoding can tell, as the head's set does. The candidates and chunk metas live in pooled
/// arrays returned at <see cref="Dispose"/>: at 10,000 series they are large-object-heap sized, and allocating them
/// per select made every garbage collection of a query workload a gen-2 one (issue 6's instant-query benchmark).
/// </summary>
internal sealed class BlockSeriesSet : ISeriesSet
{
    private readonly Block _block;
    private readonly ulong[] _refs;
    private readonly long _mint;
    private readonly long _maxt;
    private readonly BlockSeriesIterator _probe = new();
    private Candidate[]? _candidates;
    private int _candidateCount;
    private ChunkMeta[] _metas = [];
    private int _next;
    private ISeries? _current;
    private bool _disposed;

    public BlockSeriesSet(Block block, ulong[] refs, long mint, long maxt) => (_block, _refs, _mint, _maxt) = (block, refs, mint, maxt);

    public ISeries Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true");

    public IReadOnlyList<string> Warnings => [];

    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _candidates ??= LoadCandidates();
        while (_next < _candidateCount)
        {
            var candidate = _candidates[_next++];
            var chunks = new ReadOnlyMemory<ChunkMeta>(_metas, candidate.ChunkStart, candidate.ChunkCount);
            if (HasSampleAtAnEnd(chunks.Span) || ProbeFindsSample(chunks))
            {
                _current = new BlockSeries(_block.Chunks, candidate.Labels, chunks, _mint, _maxt);
                return true;
            }
        }

        _current = null;
        return false;
    }

    /// <summary>Whether a chunk's first or last sample is in the range (<see cref="ChunkEnds"/>), so no decode is needed.</summary>
    private bool HasSampleAtAnEnd(ReadOnlySpan<ChunkMeta> chunks)
    {
        foreach (var chunk in chunks)
        {
            if (ChunkEnds.InRange(chunk.MinTime, chunk.MaxTime, _mint, _maxt))
            {
                return true;
            }
        }

        return false;
    }

    private bool ProbeFindsSample(ReadOnlyMemory<ChunkMeta> chunks)
    {
        _probe.Reset(_block.Chunks, chunks, _mint, _maxt);
        return _probe.Next();
    }

    /// <summary>Returns the pooled arrays: series and iterators from this set must not be used after this (the contract's rule).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _current = null;
        if (_candidates is { Length: > 0 } candidates)
        {
            ArrayPool<Candidate>.Shared.Return(candidates, clearArray: true);
        }

        if (_metas.Length > 0)
        {
            ArrayPool<ChunkMeta>.Shared.Return(_metas);
        }

        (_candidates, _metas) = ([], []);
    }

    private Candidate[] LoadCandidates()
    {
        if (_refs.Length == 0)
        {
            return [];
        }

        var index = _block.Index;
        var entry = new SeriesEntry();
        var candidates = ArrayPool<Candidate>.Shared.Rent(_refs.Length);
        _metas = ArrayPool<ChunkMeta>.Shared.Rent(Math.Max(16, _refs.Length));
        int count = 0;
        int used = 0;
        bool sorted = true;
        foreach (ulong seriesRef in _refs)
        {
            index.ReadSeries(seriesRef, entry);
            if (!entry.Overlaps(_mint, _maxt))
            {
                continue;
            }

            int start = used;
            foreach (var chunk in entry.Chunks)
            {
                if (chunk.MinTime <= _maxt && chunk.MaxTime >= _mint)
                {
                    if (used == _metas.Length)
                    {
                        GrowMetas();
                    }

                    _metas[used++] = chunk;
                }
            }

            var labels = index.LabelsOf(entry);
            sorted &= count == 0 || Labels.Compare(candidates[count - 1].Labels, labels) < 0;
            candidates[count++] = new Candidate(labels, start, used - start);
        }

        if (!sorted)
        {
            candidates.AsSpan(0, count).Sort(static (a, b) => Labels.Compare(a.Labels, b.Labels));
        }

        _candidateCount = count;
        return candidates;
    }

    private void GrowMetas()
    {
        var grown = ArrayPool<ChunkMeta>.Shared.Rent(_metas.Length * 2);
        _metas.AsSpan().CopyTo(grown);
        ArrayPool<ChunkMeta>.Shared.Return(_metas);
        _metas = grown;
    }

    private readonly record struct Candidate(Labels Labels, int ChunkStart, int ChunkCount);

    /// <summary>One selected series; its iterators read the block's chunks through the set's chunk metas.</summary>
    private sealed class BlockSeries(ChunkSegmentReader reader, Labels labels, ReadOnlyMemory<ChunkMeta> chunks, long mint, long maxt) : ISeries
    {
        public Labels Labels => labels;

        public ISampleIterator Iterator(ISampleIterator? reuse = null)
        {
            var iterator = reuse as BlockSeriesIterator ?? new BlockSeriesIterator();
            iterator.Reset(reader, chunks, mint, maxt);
            return iterator;
        }
    }
}
