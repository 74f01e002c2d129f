using System.Text.Json;

namespace Vigil.Tsdb.Blocks;

/// <summary>Counts of what a block holds (meta.json's <c>stats</c>).</summary>
internal readonly record struct BlockStats(long NumSamples, long NumSeries, long NumChunks);

/// <summary>A block a compacted block was made from (meta.json's <c>compaction.parents</c>).</summary>
internal readonly record struct BlockParent(Ulid Ulid, long MinTime, long MaxTime);

/// <summary>
/// How a block came to be (meta.json's <c>compaction</c>): level 1 for a block cut from the head, one more than
/// its highest parent's for a compacted one; <see cref="Sources"/> are the level-1 blocks whose data it holds.
/// </summary>
internal sealed record BlockCompaction(int Level, IReadOnlyList<Ulid> Sources, IReadOnlyList<BlockParent> Parents);

/// <summary>
/// A block's meta.json (Prometheus's <c>tsdb.BlockMeta</c>, version 1). The block holds samples in
/// [<see cref="MinTime"/>, <see cref="MaxTime"/>): the maximum is exclusive, as in Prometheus.
/// </summary>
internal sealed record BlockMeta(Ulid Ulid, long MinTime, long MaxTime, BlockStats Stats, BlockCompaction Compaction)
{
    /// <summary>Whether the block may hold samples in [<paramref name="mint"/>, <paramref name="maxt"/>] (both inclusive, as selects are).</summary>
    public bool Overlaps(long mint, long maxt) => mint < MaxTime && maxt >= MinTime;

    /// <summary>Prometheus's layout: tab-indented, fields in its order.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentCharacter = '\t', IndentSize = 1 }))
        {
            json.WriteStartObject();
            json.WriteString("ulid"u8, Ulid.ToString());
            json.WriteNumber("minTime"u8, MinTime);
            json.WriteNumber("maxTime"u8, MaxTime);
            json.WriteStartObject("stats"u8);
            json.WriteNumber("numSamples"u8, Stats.NumSamples);
            json.WriteNumber("numSeries"u8, Stats.NumSeries);
            json.WriteNumber("numChunks"u8, Stats.NumChunks);
            json.WriteEndObject();
            json.WriteStartObject("compaction"u8);
            json.WriteNumber("level"u8, Compaction.Level);
            json.WriteStartArray("sources"u8);
            foreach (var source in Compaction.Sources)
            {
                json.WriteStringValue(source.ToString());
            }

            json.WriteEndArray();
            if (Compaction.Parents.Count > 0)
            {
                json.WriteStartArray("parents"u8);
                foreach (var parent in Compaction.Parents)
                {
                    json.WriteStartObject();
                    json.WriteString("ulid"u8, parent.Ulid.ToString());
                    json.WriteNumber("minTime"u8, parent.MinTime);
                    json.WriteNumber("maxTime"u8, parent.MaxTime);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteNumber("version"u8, BlockFormat.MetaVersion);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Reads a meta.json; throws <see cref="CorruptBlockException"/> naming <paramref name="path"/> and what is wrong.</summary>
    public static BlockMeta Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new CorruptBlockException(path, 0, "missing");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            int version = root.GetProperty("version").GetInt32();
            if (version != BlockFormat.MetaVersion)
            {
                throw new CorruptBlockException(path, 0, $"unsupported meta version {version}");
            }

            var stats = root.TryGetProperty("stats", out var s)
                ? new BlockStats(Int64(s, "numSamples"), Int64(s, "numSeries"), Int64(s, "numChunks"))
                : default;
            var compaction = root.GetProperty("compaction");
            var sources = new List<Ulid>();
            if (compaction.TryGetProperty("sources", out var sourceArray))
            {
                foreach (var source in sourceArray.EnumerateArray())
                {
                    sources.Add(Ulid.Parse(source.GetString()!));
                }
            }

            var parents = new List<BlockParent>();
            if (compaction.TryGetProperty("parents", out var parentArray))
            {
                foreach (var parent in parentArray.EnumerateArray())
                {
                    parents.Add(new BlockParent(
                        Ulid.Parse(parent.GetProperty("ulid").GetString()!),
                        parent.GetProperty("minTime").GetInt64(),
                        parent.GetProperty("maxTime").GetInt64()));
                }
            }

            return new BlockMeta(
                Ulid.Parse(root.GetProperty("ulid").GetString()!),
                root.GetProperty("minTime").GetInt64(),
                root.GetProperty("maxTime").GetInt64(),
                stats,
                new BlockCompaction(compaction.GetProperty("level").GetInt32(), sources, parents));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CorruptBlockException(path, 0, e.Message);
        }
    }

    private static long Int64(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetInt64() : 0;
}
