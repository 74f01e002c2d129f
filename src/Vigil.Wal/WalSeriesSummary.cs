using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Wal;

/// <summary>
/// What the WAL holds for one series ref, for `vigil wal inspect --series`: its labels, how many samples, and its
/// newest sample, plus its newest sample that is not a stale marker (a stopped scrape marks every series stale, so
/// the newest sample alone would hide the last value scraped).
/// </summary>
internal sealed class WalSeriesSummary
{
    /// <summary>Prometheus's stale marker (value.StaleNaN): a NaN with this exact payload.</summary>
    public const ulong StaleMarkerBits = 0x7ff0000000000002;

    public WalSeriesSummary(ulong seriesRef)
    {
        Ref = seriesRef;
    }

    public ulong Ref { get; }

    /// <summary>Canonical label encoding from the series' record; null when only samples named the ref.</summary>
    public byte[]? Labels { get; internal set; }

    public long Samples { get; private set; }

    /// <summary>The sample with the greatest timestamp (on a tie, the one later in the WAL), as a TSDB replay keeps.</summary>
    public long? LastTimestampMs { get; private set; }

    public double LastValue { get; private set; }

    public bool IsStale => LastTimestampMs is not null && BitConverter.DoubleToUInt64Bits(LastValue) == StaleMarkerBits;

    /// <summary>Like <see cref="LastTimestampMs"/>, among the samples that are not stale markers; null if there are none.</summary>
    public long? LastLiveTimestampMs { get; private set; }

    public double LastLiveValue { get; private set; }

    /// <summary>Prometheus's text for a sample value: "NaN", "+Inf", "-Inf", else the shortest string that round-trips.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>The labels as text pairs in canonical order (tools and tests; allocates).</summary>
    public IReadOnlyList<(string Name, string Value)> LabelPairs()
    {
        var pairs = new List<(string Name, string Value)>();
        if (Labels is not null)
        {
            var reader = CanonicalLabels.Read(Labels);
            while (reader.MoveNext())
            {
                pairs.Add((Encoding.UTF8.GetString(reader.Name), Encoding.UTF8.GetString(reader.Value)));
            }
        }

        return pairs;
    }

    internal void Observe(WalSample sample)
    {
        Samples++;
        if (LastTimestampMs is not long last || sample.TimestampMs >= last)
        {
            LastTimestampMs = sample.TimestampMs;
            LastValue = sample.Value;
        }

        bool stale = BitConverter.DoubleToUInt64Bits(sample.Value) == StaleMarkerBits;
        if (!stale && (LastLiveTimestampMs is not long live || sample.TimestampMs >= live))
        {
            LastLiveTimestampMs = sample.TimestampMs;
            LastLiveValue = sample.Value;
        }
    }

    /// <summary>
    /// <c>{"ref":1,"labels":{"__name__":"up",...},"samples":N,"last_timestamp":ms,"last_value":"1","stale":false,
    /// "last_live_timestamp":ms,"last_live_value":"1"}</c>; timestamps and values are null when there is no such sample.
    /// </summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteNumber("ref"u8, Ref);
        if (Labels is null)
        {
            json.WriteNull("labels"u8);
        }
        else
        {
            json.WriteStartObject("labels"u8);
            foreach (var (name, value) in LabelPairs())
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        json.WriteNumber("samples"u8, Samples);
        WalInspection.WriteNullable(json, "last_timestamp"u8, LastTimestampMs);
        WriteValue(json, "last_value"u8, LastTimestampMs is null ? null : LastValue);
        json.WriteBoolean("stale"u8, IsStale);
        WalInspection.WriteNullable(json, "last_live_timestamp"u8, LastLiveTimestampMs);
        WriteValue(json, "last_live_value"u8, LastLiveTimestampMs is null ? null : LastLiveValue);
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, ReadOnlySpan<byte> name, double? value)
    {
        if (value is double v)
        {
            json.WriteString(name, FormatValue(v));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
