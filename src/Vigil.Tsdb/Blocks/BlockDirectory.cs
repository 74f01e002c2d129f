using Vigil.Tsdb.Querying;
using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// The blocks of the TSDB directory (<c>&lt;data&gt;/tsdb</c>), open for reading and sorted by minimum time
/// (Prometheus's <c>DB.reloadBlocks</c> and the block list it keeps). Adds the blocks it writes or compacts and
/// drops the ones compaction replaced. Thread-safe: readers take a snapshot of the list and a lease on each block.
/// </summary>
/// <remarks>
/// Opening cleans up after a crash, so that the restart sees only whole blocks:
/// <list type="bullet">
/// <item>a <c>&lt;ulid&gt;.tmp</c> directory is a block whose write did not finish (the rename is the commit): deleted;</item>
/// <item>a <c>&lt;ulid&gt;.tmp-for-deletion</c> directory is a block whose deletion did not finish: deleted;</item>
/// <item>a block named in another block's <c>compaction.sources</c> or <c>compaction.parents</c> was compacted
/// into that block, which was renamed into place before its sources were deleted: the source is deleted now.</item>
/// </list>
/// Any other problem (an unreadable meta.json, a bad magic number or CRC) stops the open with a
/// <see cref="CorruptBlockException"/> naming the file: CONVENTIONS.md's "fail fast only at start-up".
/// </remarks>
internal sealed class BlockDirectory : IQueryableStorage, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Action<string> _log;
    private Block[] _blocks;
    private bool _disposed;

    private BlockDirectory(string path, Block[] blocks, Action<string> log) => (Path, _blocks, _log) = (path, blocks, log);

    public string Path { get; }

    /// <summary>The open blocks, by minimum time (then ULID). A snapshot: compaction replaces the list, never changes it.</summary>
    public IReadOnlyList<Block> Blocks => Volatile.Read(ref _blocks);

    /// <param name="path">The TSDB directory; created if missing.</param>
    /// <param name="log">Told about every directory removed at open (one line each); nothing by default.</param>
    public static BlockDirectory Open(string path, Action<string>? log = null)
    {
        log ??= static _ => { };
        Directory.CreateDirectory(path);
        var metas = new List<(string Directory, BlockMeta Meta)>();
        foreach (string directory in Directory.GetDirectories(path))
        {
            string name = System.IO.Path.GetFileName(directory);
            if (name.EndsWith(BlockFormat.TemporarySuffix, StringComparison.Ordinal) || name.EndsWith(BlockFormat.DeletingSuffix, StringComparison.Ordinal))
            {
                log($"removing {directory}, left by a block write or deletion that did not finish");
                Directory.Delete(directory, recursive: true);
            }
            else if (Ulid.TryParse(name, out _))
            {
                metas.Add((directory, BlockMeta.Read(System.IO.Path.Combine(directory, BlockFormat.MetaFileName))));
            }
        }

        var superseded = Superseded(metas.Select(m => m.Meta));
        var blocks = new List<Block>();
        try
        {
            foreach (var (directory, meta) in metas)
            {
                if (superseded.Contains(meta.Ulid))
                {
                    log($"removing {directory}: it was compacted into another block before a crash or restart");
                    DeleteBlockDirectory(directory);
                    continue;
                }

                blocks.Add(Block.Open(directory));
            }
        }
        catch
        {
            blocks.ForEach(b => b.Dispose());
            throw;
        }

        DirectorySync.Fsync(path);
        return new BlockDirectory(path, Sorted(blocks), log);
    }

    /// <summary>
    /// Writes a block of [<paramref name="mint"/>, <paramref name="maxt"/>) from <paramref name="series"/> (see
    /// <see cref="BlockWriter.Write"/>) and adds it. Null, and nothing written, when no series has chunks.
    /// </summary>
    public Block? WriteBlock(IEnumerable<SeriesChunks> series, long mint, long maxt, BlockWriteOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var meta = BlockWriter.Write(Path, series, mint, maxt, options);
        if (meta is null)
        {
            return null;
        }

        var block = Block.Open(System.IO.Path.Combine(Path, meta.Ulid.ToString()));
        Replace([], block);
        return block;
    }

    /// <summary>A querier over every block (a <see cref="MergeQuerier"/>, older blocks first).</summary>
    public IQuerier Querier() => new MergeQuerier(BlockQueriers());

    /// <summary>One querier per block, each holding a lease, taken at once so a concurrent compaction cannot slip between them.</summary>
    public List<IQuerier> BlockQueriers()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var queriers = new List<IQuerier>(_blocks.Length);
            foreach (var block in _blocks)
            {
                if (block.TryAcquire())
                {
                    queriers.Add(new BlockQuerier(block));
                }
            }

            return queriers;
        }
    }

    /// <summary>
    /// Puts <paramref name="replacement"/> in place of <paramref name="sources"/> (already durable on disk, and
    /// naming them in its meta), then closes the sources and deletes their directories. Queries still reading a
    /// source keep their mappings until they finish.
    /// </summary>
    public void Replace(IReadOnlyCollection<Block> sources, Block replacement)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var kept = _blocks.Where(b => !sources.Contains(b)).Append(replacement).ToList();
            Volatile.Write(ref _blocks, Sorted(kept));
        }

        foreach (var source in sources)
        {
            source.Dispose();
            DeleteBlockDirectory(source.Directory);
            _log($"removed {source.Directory}: compacted into {replacement.Ulid}");
        }
    }

    /// <summary>Takes <paramref name="blocks"/> out (retention) and deletes them; queries reading one finish first.</summary>
    public void Delete(IReadOnlyCollection<Block> blocks, string reason)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Volatile.Write(ref _blocks, Sorted([.. _blocks.Where(b => !blocks.Contains(b))]));
        }

        foreach (var block in blocks)
        {
            block.Dispose();
            DeleteBlockDirectory(block.Directory);
            _log($"removed {block.Directory}: {reason}");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var block in _blocks)
            {
                block.Dispose();
            }
        }
    }

    /// <summary>ULIDs named as a source or parent by a block other than themselves.</summary>
    internal static HashSet<Ulid> Superseded(IEnumerable<BlockMeta> metas)
    {
        var superseded = new HashSet<Ulid>();
        foreach (var meta in metas)
        {
            superseded.UnionWith(meta.Compaction.Sources.Where(s => s != meta.Ulid));
            superseded.UnionWith(meta.Compaction.Parents.Select(p => p.Ulid).Where(p => p != meta.Ulid));
        }

        return superseded;
    }

    /// <summary>Renames the block out of the way first (one atomic step), then deletes it; a crash in between leaves only a <c>.tmp-for-deletion</c> directory.</summary>
    private static void DeleteBlockDirectory(string directory)
    {
        string doomed = directory + BlockFormat.DeletingSuffix;
        Directory.Move(directory, doomed);
        DirectorySync.Fsync(System.IO.Path.GetDirectoryName(directory)!);
        Directory.Delete(doomed, recursive: true);
    }

    private static Block[] Sorted(List<Block> blocks)
    {
        blocks.Sort(static (a, b) => a.Meta.MinTime != b.Meta.MinTime ? a.Meta.MinTime.CompareTo(b.Meta.MinTime) : a.Ulid.CompareTo(b.Ulid));
        return [.. blocks];
    }
}
