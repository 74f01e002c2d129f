using System.Globalization;
using System.Security.Cryptography;
using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb;

/// <summary>Prometheus's TSDB snapshot (<c>POST /api/v1/admin/tsdb/snapshot</c>, <c>tsdb.DB.Snapshot</c>).</summary>
internal sealed partial class LocalStorage
{
    /// <summary>Where snapshots go: <c>&lt;data&gt;/tsdb/snapshots</c>, as Prometheus's <c>&lt;storage.tsdb.path&gt;/snapshots</c>.</summary>
    public string SnapshotsDirectory => Path.Combine(Options.Directory, "snapshots");

    /// <summary>
    /// Writes a snapshot named as Prometheus names them (<c>20060102T150405Z-&lt;16 hex digits&gt;</c>) under
    /// <see cref="SnapshotsDirectory"/>: a copy of every block, and unless <paramref name="skipHead"/> the head's
    /// samples as one more block, so the directory is a complete TSDB that <c>promtool</c>, Prometheus or
    /// <c>vigil tsdb</c> can open. Returns the name. Blocks are copied rather than hard-linked (Prometheus links
    /// them) because .NET has no hard-link API; the cost is disk space for the blocks, not a different result.
    /// </summary>
    public string Snapshot(bool skipHead)
    {
        string name = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
            + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string directory = Path.Combine(SnapshotsDirectory, name);
        Directory.CreateDirectory(directory);

        // Not while maintenance cuts or deletes blocks, and with the head's closed chunks kept readable.
        _maintenance.Wait();
        using var lease = Head.AcquireChunkLease();
        try
        {
            CopyBlocksAndHead(directory, skipHead);
        }
        finally
        {
            _maintenance.Release();
        }

        return name;
    }

    private void CopyBlocksAndHead(string directory, bool skipHead)
    {
        foreach (var block in Blocks.Blocks)
        {
            CopyDirectory(block.Directory, Path.Combine(directory, Path.GetFileName(block.Directory)));
        }

        long mint = Head.MinTime, maxt = Head.MaxTime;
        if (!skipHead && maxt != long.MinValue)
        {
            // The head's whole range, maximum exclusive as a block's (Prometheus's RangeHead(mint, maxt+1)).
            BlockWriter.Write(directory, Head.ChunksInRange(mint, maxt + 1), mint, maxt + 1, Options.BlockWrite);
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (string sub in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(sub, Path.Combine(target, Path.GetFileName(sub)));
        }
    }
}
