using Vigil.Common.Config;
using Vigil.Tsdb.Chunks;

namespace Vigil.Config;

/// <summary>
/// <c>storage</c>: the embedded TSDB in <c>&lt;data&gt;/tsdb</c> (issue 5). The keys are Prometheus's
/// <c>--storage.tsdb.*</c> flags and its <c>out_of_order_time_window</c>. Like those flags, they are read at start;
/// a reload that changes them is reported and takes effect at the next start.
/// </summary>
internal sealed record StorageConfig
{
    public static StorageConfig Default { get; } = new();

    /// <summary><c>enabled</c>: keep data locally; default true. False makes Vigil a pure agent (WAL and remote write).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>retention_time</c>: blocks older than this are deleted; default 15d; 0 disables.</summary>
    public TimeSpan RetentionTime { get; init; } = TimeSpan.FromDays(15);

    /// <summary><c>retention_size</c>: the oldest blocks are deleted while the TSDB is larger; default 0 (no limit).</summary>
    public long RetentionSize { get; init; }

    /// <summary><c>out_of_order_time_window</c>: how far behind a series' newest sample a sample may arrive; default 0 (reject).</summary>
    public TimeSpan OutOfOrderTimeWindow { get; init; }

    /// <summary>
    /// <c>block_chunk_encoding</c>: <c>vigil</c> (default) or <c>xor</c>, the chunk encoding of the blocks Vigil
    /// writes. Vigil reads both, so it can change at any restart; only <c>xor</c> blocks open in Prometheus's tools.
    /// </summary>
    public ChunkEncoding BlockChunkEncoding { get; init; } = ChunkEncoding.VigilDecimal;

    public static StorageConfig Parse(ConfigMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new StorageConfig
        {
            Enabled = map.Bool("enabled", Default.Enabled),
            RetentionTime = map.Duration("retention_time", Default.RetentionTime),
            RetentionSize = map.Bytes("retention_size", Default.RetentionSize),
            OutOfOrderTimeWindow = map.Duration("out_of_order_time_window", Default.OutOfOrderTimeWindow),
            BlockChunkEncoding = map.String("block_chunk_encoding", "vigil") switch
            {
                "vigil" => ChunkEncoding.VigilDecimal,
                "xor" => ChunkEncoding.Xor,
                var other => throw map.Error("block_chunk_encoding", $"'{other}' is not one of vigil, xor"),
            },
        };
        map.RejectUnknownKeys();
        if (result.RetentionSize < 0)
        {
            throw map.Error("retention_size", "must not be negative");
        }

        return result;
    }
}
