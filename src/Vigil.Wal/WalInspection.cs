using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vigil.Wal;

/// <summary>Summary of a WAL directory; a torn tail is listed among the corrupt records.</summary>
internal sealed class WalInspection
{
    private readonly List<WalCorruption> _corruptions = [];
    private readonly Dictionary<ulong, WalSeriesSummary>? _seriesByRef;

    public WalInspection(bool includeSeries = false)
    {
        _seriesByRef = includeSeries ? [] : null;
    }

    /// <summary>Distinct series refs defined by Series records.</summary>
    public long Series { get; internal set; }

    public long Samples { get; internal set; }

    public long? MinTimestampMs { get; internal set; }

    public long? MaxTimestampMs { get; internal set; }

    public int Segments { get; internal set; }

    /// <summary>Segments and checkpoint.</summary>
    public long Bytes { get; internal set; }

    /// <summary>Index of the newest checkpoint ("checkpoint.NNNNNNNN"), or null.</summary>
    public int? Checkpoint { get; internal set; }

    public IReadOnlyList<WalCorruption> Corruptions => _corruptions;

    /// <summary>
    /// One entry per series ref, ordered by ref, when inspected with series; else null. A ref that has samples but no
    /// Series record (only a corrupt WAL has those) is listed too, with null labels.
    /// </summary>
    public IReadOnlyList<WalSeriesSummary>? SeriesList =>
        _seriesByRef?.Values.OrderBy(static s => s.Ref).ToList();

    /// <summary>One JSON object with snake_case keys, as `vigil wal inspect` prints it.</summary>
    public string ToJson()
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(output, JsonOptions))
        {
            Write(json);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Writes <see cref="ToJson"/>'s object to <paramref name="stream"/>, flushing as it goes rather than building one string.</summary>
    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, JsonOptions);
        Write(json);
    }

    internal void AddCorruption(WalCorruption corruption) => _corruptions.Add(corruption);

    internal void DefineSeries(ulong seriesRef, ReadOnlySpan<byte> labels)
    {
        if (_seriesByRef is not null)
        {
            SummaryOf(seriesRef).Labels = labels.ToArray();
        }
    }

    internal void ObserveSample(WalSample sample)
    {
        if (_seriesByRef is not null)
        {
            SummaryOf(sample.Ref).Observe(sample);
        }
    }

    // '+' (in "+Inf") and non-ASCII label values stay readable; the output is for a terminal or a JSON parser, not HTML.
    private static JsonWriterOptions JsonOptions => new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private WalSeriesSummary SummaryOf(ulong seriesRef)
    {
        if (!_seriesByRef!.TryGetValue(seriesRef, out WalSeriesSummary? summary))
        {
            summary = new WalSeriesSummary(seriesRef);
            _seriesByRef.Add(seriesRef, summary);
        }

        return summary;
    }

    private void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("series"u8, Series);
        json.WriteNumber("samples"u8, Samples);
        WriteNullable(json, "min_timestamp"u8, MinTimestampMs);
        WriteNullable(json, "max_timestamp"u8, MaxTimestampMs);
        json.WriteNumber("segments"u8, Segments);
        json.WriteNumber("bytes"u8, Bytes);
        WriteNullable(json, "checkpoint"u8, Checkpoint);
        json.WriteStartArray("corrupt_records"u8);
        foreach (WalCorruption c in _corruptions)
        {
            json.WriteStartObject();
            json.WriteNumber("segment"u8, c.Segment);
            json.WriteNumber("offset"u8, c.Offset);
            json.WriteString("reason"u8, c.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (SeriesList is { } list)
        {
            // "series" is already the count, so the entries get their own key.
            json.WriteStartArray("series_list"u8);
            foreach (WalSeriesSummary summary in list)
            {
                summary.WriteJson(json);
                if (json.BytesPending > 64 * 1024)
                {
                    json.Flush();
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    internal static void WriteNullable(Utf8JsonWriter json, ReadOnlySpan<byte> name, long? value)
    {
        if (value is long v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
