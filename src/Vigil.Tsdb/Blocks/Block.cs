using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// An immutable on-disk block, open for reading (Prometheus's <c>tsdb.Block</c>): its meta, its index and chunk
/// segments memory-mapped. Queriers (<see cref="IQueryableStorage"/>) read it without locks, allocating nothing
/// per sample. Thread-safe.
/// </summary>
/// <remarks>
/// The mappings must outlive every reader, so each querier holds a lease (<see cref="TryAcquire"/>, released when
/// the querier is disposed). <see cref="Dispose"/> refuses new leases and unmaps once the last lease is released,
/// without waiting: a block that compaction replaced is disposed (and its directory deleted, which Linux allows
/// while the files are mapped) while a query may still be reading it.
/// </remarks>
internal sealed class Block : IQueryableStorage, IDisposable
{
    private readonly Lock _lock = new();
    private int _leases;
    private bool _closing;
    private bool _closed;

    private Block(string directory, BlockMeta meta, IndexReader index, ChunkSegmentReader chunks)
    {
        (Directory, Meta, Index, Chunks) = (directory, meta, index, chunks);
    }

    public string Directory { get; }

    public BlockMeta Meta { get; }

    public Ulid Ulid => Meta.Ulid;

    /// <summary>Bytes of the index and the chunk segments.</summary>
    public long Size => Index.Size + Chunks.Size;

    internal IndexReader Index { get; }

    internal ChunkSegmentReader Chunks { get; }

    /// <summary>
    /// Opens the block in <paramref name="directory"/>: reads meta.json, maps and checks the index (header, TOC,
    /// symbols, postings offset table) and the chunk segments' headers. Throws <see cref="CorruptBlockException"/>
    /// naming the file and offset of the first problem.
    /// </summary>
    public static Block Open(string directory)
    {
        var meta = BlockMeta.Read(Path.Combine(directory, BlockFormat.MetaFileName));
        if (!string.Equals(meta.Ulid.ToString(), Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), StringComparison.OrdinalIgnoreCase))
        {
            throw new CorruptBlockException(Path.Combine(directory, BlockFormat.MetaFileName), 0, $"names block {meta.Ulid}, not its directory");
        }

        var index = IndexReader.Open(Path.Combine(directory, BlockFormat.IndexFileName));
        try
        {
            var chunks = ChunkSegmentReader.Open(Path.Combine(directory, BlockFormat.ChunksDirectoryName));
            return new Block(directory, meta, index, chunks);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads every byte the block's queries could read, checking each CRC: every series entry, every postings list
    /// and every chunk (issue 5: a flipped byte is detected at open, not by a query later). Sequential reads of the
    /// mapped files, about as fast as the disk. Throws <see cref="CorruptBlockException"/> naming file and offset.
    /// </summary>
    internal void Verify()
    {
        var entry = new SeriesEntry();
        foreach (ulong seriesRef in Index.PostingsForMatchers([]))
        {
            Index.ReadSeries(seriesRef, entry);
            foreach (var chunk in entry.Chunks)
            {
                _ = Chunks.Chunk(chunk.Ref);
            }
        }

        foreach (string name in Index.LabelNames())
        {
            foreach (string value in Index.LabelValues(name))
            {
                _ = Index.PostingsForMatchers([LabelMatcher.Equal(name, value)]);
            }
        }
    }

    /// <summary>A querier over the block; throws <see cref="ObjectDisposedException"/> once the block is disposed.</summary>
    public IQuerier Querier() =>
        TryAcquire() ? new BlockQuerier(this) : throw new ObjectDisposedException(nameof(Block), $"block {Ulid} is closed");

    /// <summary>Takes a lease that keeps the mappings alive; false once the block is being disposed.</summary>
    internal bool TryAcquire()
    {
        lock (_lock)
        {
            if (_closing)
            {
                return false;
            }

            _leases++;
            return true;
        }
    }

    internal void Release()
    {
        lock (_lock)
        {
            _leases--;
            CloseIfUnused();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _closing = true;
            CloseIfUnused();
        }
    }

    public override string ToString() => $"block {Ulid} [{Meta.MinTime}, {Meta.MaxTime})";

    private void CloseIfUnused()
    {
        if (_closing && _leases == 0 && !_closed)
        {
            _closed = true;
            Index.Dispose();
            Chunks.Dispose();
        }
    }
}
