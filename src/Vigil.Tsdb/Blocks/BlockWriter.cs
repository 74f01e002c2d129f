using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>How <see cref="BlockWriter"/> writes one block.</summary>
internal sealed record BlockWriteOptions
{
    public static BlockWriteOptions Default { get; } = new();

    /// <summary>
    /// Lineage of a compacted block (<see cref="Compactor"/>). Null for a block cut from the head: level 1, its own
    /// ULID as its only source, as Prometheus records it.
    /// </summary>
    public Func<Ulid, BlockCompaction>? Compaction { get; init; }

    /// <summary>Size at which a chunk segment is cut; default 512 MiB, as Prometheus. Tests use small ones.</summary>
    public long ChunkSegmentSize { get; init; } = BlockFormat.DefaultChunkSegmentSize;

    /// <summary>
    /// The chunks' encoding: XOR by default here, so a block stays readable by Prometheus's tools unless the
    /// caller (the storage's <c>block_chunk_encoding</c>, default vigil) asks for vigil-decimal.
    /// </summary>
    public ChunkEncoding Encoding { get; init; } = ChunkEncoding.Xor;
}

/// <summary>
/// Writes an immutable block (BlockFormat.cs has the layout) so that a crash never leaves half a block: everything
/// goes into <c>&lt;dir&gt;/&lt;ulid&gt;.tmp</c>, every file and both directories are fsynced, and only then is
/// the directory renamed to <c>&lt;dir&gt;/&lt;ulid&gt;</c> and the parent fsynced (Prometheus's
/// <c>LeveledCompactor.write</c> does the same). <see cref="BlockDirectory"/> deletes leftover <c>.tmp</c>
/// directories at open.
/// </summary>
/// <remarks>
/// Series stream through: each one's chunks go to the segments as it arrives; its labels and chunk metas are kept
/// (chunk bytes are not) until the index is written, because the symbol table, which holds every label string,
/// comes first in the index. Memory is therefore proportional to the series, not to the samples.
/// </remarks>
internal static class BlockWriter
{
    /// <summary>
    /// Writes <paramref name="series"/> (sorted by <see cref="Labels.Compare"/>, no repeats, chunks in time order)
    /// as a block of [<paramref name="minTime"/>, <paramref name="maxTime"/>) under <paramref name="parentDirectory"/>.
    /// Series without chunks are left out; with none left, nothing is written and the result is null (Prometheus
    /// writes no empty blocks either). Throws <see cref="ArgumentException"/> for unsorted series or a chunk
    /// outside the range, and removes its temporary directory on any failure.
    /// </summary>
    public static BlockMeta? Write(string parentDirectory, IEnumerable<SeriesChunks> series, long minTime, long maxTime, BlockWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (maxTime <= minTime)
        {
            throw new ArgumentException($"a block's range [{minTime}, {maxTime}) must not be empty", nameof(maxTime));
        }

        options ??= BlockWriteOptions.Default;
        Directory.CreateDirectory(parentDirectory);
        var ulid = Ulid.New();
        string temporary = Path.Combine(parentDirectory, ulid + BlockFormat.TemporarySuffix);
        string final = Path.Combine(parentDirectory, ulid.ToString());
        try
        {
            Directory.CreateDirectory(temporary);
            var stats = WriteFiles(temporary, series, minTime, maxTime, options);
            if (stats.NumSeries == 0)
            {
                Directory.Delete(temporary, recursive: true);
                return null;
            }

            var compaction = options.Compaction?.Invoke(ulid) ?? new BlockCompaction(1, [ulid], []);
            var meta = new BlockMeta(ulid, minTime, maxTime, stats, compaction);
            WriteSynced(Path.Combine(temporary, BlockFormat.MetaFileName), meta.ToJson());
            DirectorySync.Fsync(Path.Combine(temporary, BlockFormat.ChunksDirectoryName));
            DirectorySync.Fsync(temporary);
            Directory.Move(temporary, final);
            DirectorySync.Fsync(parentDirectory);
            return meta;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static BlockStats WriteFiles(string directory, IEnumerable<SeriesChunks> series, long minTime, long maxTime, BlockWriteOptions options)
    {
        var kept = new List<(Labels Labels, ChunkMeta[] Chunks)>();
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        long samples = 0, chunkCount = 0;
        using var transcoder = new ChunkTranscoder(options.Encoding);
        using (var chunks = new ChunkSegmentWriter(Path.Combine(directory, BlockFormat.ChunksDirectoryName), options.ChunkSegmentSize))
        {
            Labels? previous = null;
            foreach (var s in series)
            {
                if (previous is not null && Labels.Compare(previous, s.Labels) >= 0)
                {
                    throw new ArgumentException($"series must come sorted by labels without repeats: {s.Labels} after {previous}", nameof(series));
                }

                previous = s.Labels;
                if (s.Chunks.Count == 0)
                {
                    continue;
                }

                var metas = new ChunkMeta[s.Chunks.Count];
                for (int i = 0; i < metas.Length; i++)
                {
                    var chunk = s.Chunks[i];
                    if (chunk.MinTime < minTime || chunk.MaxTime >= maxTime)
                    {
                        throw new ArgumentException(
                            $"a chunk of {s.Labels} holds [{chunk.MinTime}, {chunk.MaxTime}], outside the block's [{minTime}, {maxTime})", nameof(series));
                    }

                    var bytes = transcoder.Transcode(chunk, out var encoding);
                    metas[i] = new ChunkMeta(chunk.MinTime, chunk.MaxTime, chunks.Write(bytes, encoding));
                    samples += chunk.SampleCount;
                }

                chunkCount += metas.Length;
                kept.Add((s.Labels, metas));
                foreach (var label in s.Labels)
                {
                    symbols.Add(label.Name);
                    symbols.Add(label.Value);
                }
            }

            chunks.Finish();
        }

        if (kept.Count > 0)
        {
            using var index = new IndexWriter(Path.Combine(directory, BlockFormat.IndexFileName), symbols);
            foreach (var (labels, metas) in kept)
            {
                index.AddSeries(labels, metas);
            }

            index.Finish();
        }

        return new BlockStats(samples, kept.Count, chunkCount);
    }

    private static void WriteSynced(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for BlockDirectory to remove at the next open; the original failure is what matters.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
