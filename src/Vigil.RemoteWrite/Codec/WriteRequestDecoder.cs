using System.Globalization;

namespace Vigil.RemoteWrite.Codec;

/// <summary>
/// Hand-written protobuf decoding of remote-write requests into a reusable <see cref="DecodedWriteRequest"/>.
/// No allocation per series or sample; labels stay byte slices of the input. Every malformed input returns false
/// with a one-line reason and leaves the context reset. Unknown fields of wire types 0, 1, 2 and 5 are skipped
/// (forward compatibility, protobuf encoding guide); groups and wire types 6/7 are malformed.
/// </summary>
internal static partial class WriteRequestDecoder
{
    // prometheus.WriteRequest (prompb/remote.proto), remote-write 1.0 spec §Protocol.
    private const int V1RequestTimeseries = 1;

    // prometheus.TimeSeries (prompb/types.proto).
    private const int V1SeriesLabels = 1;
    private const int V1SeriesSamples = 2;
    private const int V1SeriesExemplars = 3;
    private const int V1SeriesHistograms = 4;

    // Label and Sample share field numbers in 1.0 and 2.0: name/value = 1/2, value/timestamp = 1/2.
    private const int LabelName = 1;
    private const int LabelValue = 2;
    private const int SampleValue = 1;
    private const int SampleTimestamp = 2;

    /// <summary>Decodes a remote-write 1.0 <c>prometheus.WriteRequest</c>. Metadata (field 3) is skipped.</summary>
    /// <remarks><paramref name="into"/> keeps referencing <paramref name="protobuf"/> until its next reset.</remarks>
    public static bool TryDecodeV1(ReadOnlyMemory<byte> protobuf, DecodedWriteRequest into, out string? error)
    {
        into.Begin(protobuf);
        ReadOnlySpan<byte> buf = protobuf.Span;
        var top = new ProtoCursor(buf, 0, buf.Length);
        while (top.HasMore)
        {
            int at = top.Position;
            if (!top.TryReadTag(out int field, out int wireType))
            {
                return Fail(into, top.Describe("WriteRequest"), out error);
            }

            if (field != V1RequestTimeseries)
            {
                if (!top.TrySkip(wireType))
                {
                    return Fail(into, top.Describe("WriteRequest"), out error);
                }

                continue;
            }

            if (!TryReadEmbedded(ref top, wireType, at, out int start, out int end))
            {
                return Fail(into, top.Describe("WriteRequest.timeseries"), out error);
            }

            if (!TryDecodeSeriesV1(buf, start, end, into, out error))
            {
                into.Reset();
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryDecodeSeriesV1(ReadOnlySpan<byte> buf, int start, int end, DecodedWriteRequest into, out string? error)
    {
        var c = new ProtoCursor(buf, start, end);
        var series = new DecodedSeries { LabelStart = into.LabelCount, SampleStart = into.SampleCount };
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("TimeSeries");
                return false;
            }

            switch (field)
            {
                case V1SeriesLabels:
                    if (!TryReadEmbedded(ref c, wireType, at, out int ls, out int le))
                    {
                        error = c.Describe("TimeSeries.labels");
                        return false;
                    }

                    if (!TryDecodeLabel(buf, ls, le, into, out error))
                    {
                        return false;
                    }

                    break;

                case V1SeriesSamples:
                    if (!TryReadEmbedded(ref c, wireType, at, out int ss, out int se))
                    {
                        error = c.Describe("TimeSeries.samples");
                        return false;
                    }

                    if (!TryDecodeSample(buf, ss, se, into, out error))
                    {
                        return false;
                    }

                    break;

                case V1SeriesExemplars or V1SeriesHistograms:
                    // Counted, bodies skipped until exemplar and native-histogram ingestion land.
                    if (!TryReadEmbedded(ref c, wireType, at, out _, out _))
                    {
                        error = c.Describe(field == V1SeriesExemplars ? "TimeSeries.exemplars" : "TimeSeries.histograms");
                        return false;
                    }

                    if (field == V1SeriesExemplars)
                    {
                        series.ExemplarCount++;
                    }
                    else
                    {
                        series.HistogramCount++;
                    }

                    break;

                default:
                    if (!c.TrySkip(wireType))
                    {
                        error = c.Describe("TimeSeries");
                        return false;
                    }

                    break;
            }
        }

        series.LabelCount = into.LabelCount - series.LabelStart;
        series.SampleCount = into.SampleCount - series.SampleStart;
        into.AddSeries(series);
        error = null;
        return true;
    }

    private static bool TryDecodeLabel(ReadOnlySpan<byte> buf, int start, int end, DecodedWriteRequest into, out string? error)
    {
        var c = new ProtoCursor(buf, start, end);
        int nameOffset = start, nameLength = 0, valueOffset = start, valueLength = 0;
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("Label");
                return false;
            }

            bool ok = field switch
            {
                LabelName => TryReadEmbedded(ref c, wireType, at, out nameOffset, out int ne) && SetLength(ne - nameOffset, out nameLength),
                LabelValue => TryReadEmbedded(ref c, wireType, at, out valueOffset, out int ve) && SetLength(ve - valueOffset, out valueLength),
                _ => c.TrySkip(wireType),
            };
            if (!ok)
            {
                error = c.Describe(field == LabelValue ? "Label.value" : "Label.name");
                return false;
            }
        }

        into.AddLabel(nameOffset, nameLength, valueOffset, valueLength);
        error = null;
        return true;
    }

    private static bool SetLength(int value, out int length)
    {
        length = value;
        return true;
    }

    private static bool TryDecodeSample(ReadOnlySpan<byte> buf, int start, int end, DecodedWriteRequest into, out string? error)
    {
        var c = new ProtoCursor(buf, start, end);
        double value = 0;
        long timestamp = 0;
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("Sample");
                return false;
            }

            bool ok;
            if (field == SampleValue)
            {
                ok = wireType == ProtoCursor.WireFixed64 ? c.TryReadDouble(out value) : c.WrongWireType(at);
            }
            else if (field == SampleTimestamp)
            {
                ulong raw = 0;
                ok = wireType == ProtoCursor.WireVarint ? c.TryReadVarint(out raw) : c.WrongWireType(at);
                timestamp = unchecked((long)raw);
            }
            else
            {
                // Includes 2.0's start_timestamp (field 3), which is not stored yet.
                ok = c.TrySkip(wireType);
            }

            if (!ok)
            {
                error = c.Describe(field == SampleValue ? "Sample.value" : field == SampleTimestamp ? "Sample.timestamp" : "Sample");
                return false;
            }
        }

        into.AddSample(timestamp, value);
        error = null;
        return true;
    }

    /// <summary>Reads a length-delimited field, rejecting a known field that arrived with another wire type.</summary>
    private static bool TryReadEmbedded(ref ProtoCursor c, int wireType, int tagAt, out int start, out int end)
    {
        start = 0;
        end = 0;
        if (wireType != ProtoCursor.WireLength)
        {
            return c.WrongWireType(tagAt);
        }

        if (!c.TryReadLengthDelimited(out start, out int length))
        {
            return false;
        }

        end = start + length;
        return true;
    }

    private static bool Fail(DecodedWriteRequest into, string reason, out string? error)
    {
        into.Reset();
        error = reason;
        return false;
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
