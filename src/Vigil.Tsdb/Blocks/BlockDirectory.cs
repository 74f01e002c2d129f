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
/// A block that fails its checks (an unreadable meta.json, a bad magic number, any CRC of its index or chunks, a
/// truncated file: every byte is verified at open) is set aside as <c>&lt;ulid&gt;.corrupt</c> with one log line
/// naming the file and offset, and the other blocks stay readable (issue 5, "Disk").
/// </remarks>
internal sealed class BlockDirectory : IQueryableStorage, IDisposable
{
    /// <summary>Suffix of a block set aside because it failed its checks at open.</summary>
    public const string CorruptSuffix = ".corrupt";

    private const string Vanished = "disappeared while being opened (compacted or deleted by a running Vigil)";

    private readonly Lock _lock = new();
    private readonly Action<string> _log;
    private Block[] _blocks;
    private bool _disposed;

    private BlockDirectory(string path, Block[] blocks, Action<string> log, bool readOnly, IReadOnlyList<SkippedDirectory> skipped) =>
        (Path, _blocks, _log, IsReadOnly, Skipped) = (path, blocks, log, readOnly, skipped);

    public string Path { get; }

    /// <summary>Opened by <see cref="OpenReadOnly"/>: nothing on disk is changed, and changes to the list are refused.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Directories a read-only open left alone rather than deleting them; empty after <see cref="Open"/>.</summary>
    public IReadOnlyList<SkippedDirectory> Skipped { get; }

    /// <summary>The open blocks, by minimum time (then ULID). A snapshot: compaction replaces the list, never changes it.</summary>
    public IReadOnlyList<Block> Blocks => Volatile.Read(ref _blocks);

    /// <param name="path">The TSDB directory; created if missing.</param>
    /// <param name="log">Told about every directory removed at open (one line each); nothing by default.</param>
    public static BlockDirectory Open(string path, Action<string>? log = null)
    {
        log ??= static _ => { };
        Directory.CreateDirectory(path);
        var corrupt = new List<(string Directory, string Reason)>();
        var scan = Scan(path, corrupt: corrupt);
        foreach (string leftover in scan.Leftovers)
        {
            log($"removing {leftover}, left by a block write or deletion that did not finish");
            Directory.Delete(leftover, recursive: true);
        }

        var blocks = new List<Block>();
        try
        {
            foreach (var (directory, meta) in scan.Blocks)
            {
                if (scan.Superseded.Contains(meta.Ulid))
                {
                    log($"removing {directory}: it was compacted into another block before a crash or restart");
                    DeleteBlockDirectory(directory);
                    continue;
                }

                if (TryOpenVerified(directory, out var block, out string? reason))
                {
                    blocks.Add(block!);
                }
                else
                {
                    corrupt.Add((directory, reason!));
                }
            }
        }
        catch
        {
            blocks.ForEach(b => b.Dispose());
            throw;
        }

        foreach (var (directory, reason) in corrupt)
        {
            string aside = SetAside(directory);
            log($"block {directory} is corrupt and was moved to {aside}; the other blocks stay readable: {reason}");
        }

        DirectorySync.Fsync(path);
        return new BlockDirectory(path, Sorted(blocks), log, readOnly: false, skipped: []);
    }

    /// <summary>
    /// Opens the blocks of <paramref name="path"/> for tools (<c>vigil tsdb analyze</c>, <c>dump</c>) without changing
    /// anything on disk: what <see cref="Open"/> would delete (leftover <c>.tmp</c> and <c>.tmp-for-deletion</c>
    /// directories, superseded blocks) is skipped and listed in <see cref="Skipped"/>, and so is a block that
    /// disappears while it is being opened (a running Vigil compacted or deleted it). Writing, replacing and
    /// deleting blocks throw <see cref="InvalidOperationException"/>. Throws <see cref="DirectoryNotFoundException"/>
    /// when <paramref name="path"/> does not exist, and <see cref="CorruptBlockException"/> as <see cref="Open"/> does.
    /// </summary>
    public static BlockDirectory OpenReadOnly(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"no such directory '{path}'");
        }

        var skipped = new List<SkippedDirectory>();
        var scan = Scan(path, skipped);
        skipped.AddRange(scan.Leftovers.Select(static d => new SkippedDirectory(d, "a block write or deletion that is under way or did not finish")));
        var blocks = new List<Block>();
        try
        {
            foreach (var (directory, meta) in scan.Blocks)
            {
                if (scan.Superseded.Contains(meta.Ulid))
                {
                    skipped.Add(new SkippedDirectory(directory, "compacted into another block; the next start of Vigil deletes it"));
                }
                else if (TryOpenUnlessGone(directory, skipped) is { } block)
                {
                    blocks.Add(block);
                }
            }
        }
        catch
        {
            blocks.ForEach(b => b.Dispose());
            throw;
        }

        skipped.Sort(static (a, b) => string.CompareOrdinal(a.Directory, b.Directory));
        return new BlockDirectory(path, Sorted(blocks), static _ => { }, readOnly: true, skipped);
    }

    /// <summary>
    /// Writes a block of [<paramref name="mint"/>, <paramref name="maxt"/>) from <paramref name="series"/> (see
    /// <see cref="BlockWriter.Write"/>) and adds it. Null, and nothing written, when no series has chunks.
    /// </summary>
    public Block? WriteBlock(IEnumerable<SeriesChunks> series, long mint, long maxt, BlockWriteOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfReadOnly();
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

    /// <summary>
    /// One querier per block overlapping [<paramref name="mint"/>, <paramref name="maxt"/>], each holding a lease,
    /// taken at once so a concurrent compaction cannot slip between them.
    /// </summary>
    public List<IQuerier> BlockQueriers(long mint = long.MinValue, long maxt = long.MaxValue)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var queriers = new List<IQuerier>(_blocks.Length);
            foreach (var block in _blocks)
            {
                // A block covers [MinTime, MaxTime); one outside the range is left out, as Prometheus's querier does.
                if (block.Meta.MinTime <= maxt && block.Meta.MaxTime > mint && block.TryAcquire())
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
        ThrowIfReadOnly();
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
        ThrowIfReadOnly();
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

    /// <summary>
    /// The directories under <paramref name="path"/>: leftovers of unfinished writes and deletions, block directories
    /// with their metas, and the ULIDs other blocks supersede. Anything else (a future <c>wal</c>) is not listed.
    /// With <paramref name="vanished"/>, a block whose directory disappears before its meta is read is added there
    /// instead of failing the scan (a tool reading the directory of a running Vigil).
    /// </summary>
    private static (List<string> Leftovers, List<(string Directory, BlockMeta Meta)> Blocks, HashSet<Ulid> Superseded) Scan(
        string path, List<SkippedDirectory>? vanished = null, List<(string Directory, string Reason)>? corrupt = null)
    {
        var leftovers = new List<string>();
        var metas = new List<(string Directory, BlockMeta Meta)>();
        foreach (string directory in Directory.GetDirectories(path))
        {
            string name = System.IO.Path.GetFileName(directory);
            if (name.EndsWith(BlockFormat.TemporarySuffix, StringComparison.Ordinal) || name.EndsWith(BlockFormat.DeletingSuffix, StringComparison.Ordinal))
            {
                leftovers.Add(directory);
            }
            else if (Ulid.TryParse(name, out _))
            {
                try
                {
                    metas.Add((directory, BlockMeta.Read(System.IO.Path.Combine(directory, BlockFormat.MetaFileName))));
                }
                catch (IOException) when (vanished is not null && !Directory.Exists(directory))
                {
                    vanished.Add(new SkippedDirectory(directory, Vanished));
                }
                catch (CorruptBlockException ex) when (corrupt is not null)
                {
                    corrupt.Add((directory, ex.Message));
                }
            }
        }

        return (leftovers, metas, Superseded(metas.Select(m => m.Meta)));
    }

    private static bool TryOpenVerified(string directory, out Block? block, out string? reason)
    {
        block = null;
        try
        {
            block = Block.Open(directory);
            block.Verify();
            reason = null;
            return true;
        }
        catch (CorruptBlockException ex)
        {
            block?.Dispose();
            block = null;
            reason = ex.Message;
            return false;
        }
    }

    /// <summary>Renames a corrupt block out of the way (kept for inspection, never read again), returning where it went.</summary>
    private static string SetAside(string directory)
    {
        string target = directory + CorruptSuffix;
        for (int n = 1; Directory.Exists(target); n++)
        {
            target = directory + CorruptSuffix + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Directory.Move(directory, target);
        return target;
    }

    private static Block? TryOpenUnlessGone(string directory, List<SkippedDirectory> skipped)
    {
        try
        {
            return Block.Open(directory);
        }
        catch (IOException) when (!Directory.Exists(directory))
        {
            skipped.Add(new SkippedDirectory(directory, Vanished));
            return null;
        }
    }

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"the block directory {Path} was opened read-only");
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

/// <summary>A directory <see cref="BlockDirectory.OpenReadOnly"/> did not open as a block, and why.</summary>
internal readonly record struct SkippedDirectory(string Directory, string Reason);
