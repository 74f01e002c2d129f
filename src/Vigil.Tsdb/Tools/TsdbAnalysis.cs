using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb.Tools;

/// <summary>One line of a top list: a metric name, label name or label pair (<see cref="Value"/> set), and its count.</summary>
internal readonly record struct TopEntry(string Name, string? Value, long Count);

/// <summary>One block as analyze lists it: its meta.json and the sizes of its index and chunk segments.</summary>
internal readonly record struct BlockSummary(BlockMeta Meta, long IndexBytes, long ChunkBytes)
{
    public long Bytes => IndexBytes + ChunkBytes;
}

/// <summary>What <see cref="TsdbAnalyzer"/> found; written as one JSON object or as a report for people.</summary>
internal sealed class TsdbAnalysis
{
    public required IReadOnlyList<BlockSummary> Blocks { get; init; }

    public required IReadOnlyList<SkippedDirectory> Skipped { get; init; }

    /// <summary>Distinct label sets over all blocks.</summary>
    public required long Series { get; init; }

    /// <summary>Series some block holds and the newest block (the one reaching furthest in time) does not.</summary>
    public required long ChurnedSeries { get; init; }

    /// <summary>Timestamp of the oldest sample (from the chunk index), ms; 0 without blocks.</summary>
    public required long MinTime { get; init; }

    /// <summary>Timestamp of the newest sample, inclusive, ms; 0 without blocks.</summary>
    public required long MaxTime { get; init; }

    public required int LabelNames { get; init; }

    /// <summary>Distinct label pairs (name and value) over all series.</summary>
    public required long LabelPairs { get; init; }

    /// <summary>Metric names by series.</summary>
    public required IReadOnlyList<TopEntry> TopMetricNames { get; init; }

    /// <summary>Label names by distinct values.</summary>
    public required IReadOnlyList<TopEntry> TopLabelNames { get; init; }

    /// <summary>Label pairs by series.</summary>
    public required IReadOnlyList<TopEntry> TopLabelPairs { get; init; }

    /// <summary>Label pairs by churned series (<see cref="ChurnedSeries"/>).</summary>
    public required IReadOnlyList<TopEntry> ChurnLabelPairs { get; init; }

    /// <summary>From the blocks' meta.json.</summary>
    public long Samples => Blocks.Sum(static b => b.Meta.Stats.NumSamples);

    public long Chunks => Blocks.Sum(static b => b.Meta.Stats.NumChunks);

    public long IndexBytes => Blocks.Sum(static b => b.IndexBytes);

    public long ChunkBytes => Blocks.Sum(static b => b.ChunkBytes);

    public long Bytes => IndexBytes + ChunkBytes;

    /// <summary>Index and chunk bytes per sample; 0 without samples.</summary>
    public double BytesPerSample => Samples == 0 ? 0 : (double)Bytes / Samples;

    /// <summary>One JSON object, snake_case keys (docs/cli.md lists them), then a newline.</summary>
    public void WriteJson(Stream stream)
    {
        // '+' and non-ASCII label values stay readable; the output is for a terminal or a JSON parser, not HTML.
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("blocks"u8, Blocks.Count);
            json.WriteNumber("series"u8, Series);
            json.WriteNumber("samples"u8, Samples);
            json.WriteNumber("chunks"u8, Chunks);
            json.WriteNumber("min_time"u8, MinTime);
            json.WriteNumber("max_time"u8, MaxTime);
            json.WriteNumber("bytes"u8, Bytes);
            json.WriteNumber("index_bytes"u8, IndexBytes);
            json.WriteNumber("chunk_bytes"u8, ChunkBytes);
            json.WriteNumber("bytes_per_sample"u8, BytesPerSample);
            json.WriteNumber("label_names"u8, LabelNames);
            json.WriteNumber("label_pairs"u8, LabelPairs);
            json.WriteNumber("churned_series"u8, ChurnedSeries);
            WriteTop(json, "top_metric_names"u8, TopMetricNames, "series"u8);
            WriteTop(json, "top_label_names"u8, TopLabelNames, "values"u8);
            WriteTop(json, "top_label_pairs"u8, TopLabelPairs, "series"u8);
            WriteTop(json, "churn_label_pairs"u8, ChurnLabelPairs, "series"u8);
            json.WriteStartArray("block_list"u8);
            foreach (var b in Blocks)
            {
                json.WriteStartObject();
                json.WriteString("ulid"u8, b.Meta.Ulid.ToString());
                json.WriteNumber("min_time"u8, b.Meta.MinTime);
                json.WriteNumber("max_time"u8, b.Meta.MaxTime);
                json.WriteNumber("samples"u8, b.Meta.Stats.NumSamples);
                json.WriteNumber("series"u8, b.Meta.Stats.NumSeries);
                json.WriteNumber("chunks"u8, b.Meta.Stats.NumChunks);
                json.WriteNumber("bytes"u8, b.Bytes);
                json.WriteNumber("level"u8, b.Meta.Compaction.Level);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("skipped"u8);
            foreach (var skipped in Skipped)
            {
                json.WriteStartObject();
                json.WriteString("directory"u8, skipped.Directory);
                json.WriteString("reason"u8, skipped.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    /// <summary>The report for people, in promtool analyze's spirit: totals, then each top list as "count  entry" lines.</summary>
    public void WriteText(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var text = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        text.Append(ic, $"Blocks: {Blocks.Count}");
        text.Append(Skipped.Count switch
        {
            0 => "\n",
            1 => " (1 directory skipped, listed at the end)\n",
            int n => string.Create(ic, $" ({n} directories skipped, listed at the end)\n"),
        });
        text.Append(Blocks.Count == 0 ? "Time range: none\n" : string.Create(ic, $"Time range: {Time(MinTime)} .. {Time(MaxTime)} (oldest and newest sample)\n"));
        text.Append(ic, $"Series: {Series}\n");
        text.Append(ic, $"Churned series: {ChurnedSeries} (in an older block, not in the newest)\n");
        text.Append(ic, $"Samples: {Samples}\n");
        text.Append(ic, $"Chunks: {Chunks}\n");
        text.Append(ic, $"Bytes: {Bytes} (index {IndexBytes}, chunks {ChunkBytes})\n");
        text.Append(ic, $"Bytes per sample: {BytesPerSample:0.###}\n");
        text.Append(ic, $"Label names: {LabelNames}\n");
        text.Append(ic, $"Label pairs: {LabelPairs}\n");
        Top(text, "Highest cardinality metric names (series)", TopMetricNames);
        Top(text, "Highest cardinality label names (distinct values)", TopLabelNames);
        Top(text, "Most common label pairs (series)", TopLabelPairs);
        Top(text, "Label pairs most involved in churning (series in an older block, not in the newest)", ChurnLabelPairs);
        if (Blocks.Count > 0)
        {
            text.Append("\nBlocks (times as in meta.json, max exclusive):\n");
            text.Append(ic, $"  {"ULID",-26}  {"MIN TIME",-13}  {"MAX TIME",-13}  {"SAMPLES",10}  {"SERIES",8}  {"CHUNKS",8}  {"BYTES",10}  LEVEL\n");
            foreach (var b in Blocks)
            {
                var (meta, stats) = (b.Meta, b.Meta.Stats);
                text.Append(ic, $"  {meta.Ulid,-26}  {meta.MinTime,-13}  {meta.MaxTime,-13}  {stats.NumSamples,10}  {stats.NumSeries,8}  {stats.NumChunks,8}  {b.Bytes,10}  {meta.Compaction.Level}\n");
            }
        }

        if (Skipped.Count > 0)
        {
            text.Append("\nSkipped (left as they are):\n");
            foreach (var skipped in Skipped)
            {
                text.Append(ic, $"  {skipped.Directory}: {skipped.Reason}\n");
            }
        }

        writer.Write(text.ToString());
    }

    private static void WriteTop(Utf8JsonWriter json, ReadOnlySpan<byte> name, IReadOnlyList<TopEntry> entries, ReadOnlySpan<byte> countName)
    {
        json.WriteStartArray(name);
        foreach (var entry in entries)
        {
            json.WriteStartObject();
            json.WriteString("name"u8, entry.Name);
            if (entry.Value is not null)
            {
                json.WriteString("value"u8, entry.Value);
            }

            json.WriteNumber(countName, entry.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Top(StringBuilder text, string title, IReadOnlyList<TopEntry> entries)
    {
        text.Append('\n').Append(title).Append(":\n");
        if (entries.Count == 0)
        {
            text.Append("  (none)\n");
        }

        int width = entries.Count == 0 ? 0 : entries.Max(static e => e.Count.ToString(CultureInfo.InvariantCulture).Length);
        foreach (var entry in entries)
        {
            text.Append("  ").Append(entry.Count.ToString(CultureInfo.InvariantCulture).PadLeft(width)).Append("  ").Append(entry.Name);
            if (entry.Value is not null)
            {
                text.Append('=');
                PromtoolText.AppendQuoted(text, entry.Value);
            }

            text.Append('\n');
        }
    }

    /// <summary>Milliseconds and, when it is a date at all, UTC.</summary>
    private static string Time(long ms) =>
        ms is >= -62_135_596_800_000 and <= 253_402_300_799_999
            ? string.Create(CultureInfo.InvariantCulture, $"{ms} ({DateTimeOffset.FromUnixTimeMilliseconds(ms):yyyy-MM-dd'T'HH:mm:ss.fff'Z'})")
            : ms.ToString(CultureInfo.InvariantCulture);
}
