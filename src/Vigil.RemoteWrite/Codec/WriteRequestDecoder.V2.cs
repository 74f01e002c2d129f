namespace Vigil.RemoteWrite.Codec;

internal static partial class WriteRequestDecoder
{
    // io.prometheus.write.v2.Request (prompb/io/prometheus/write/v2/types.proto); fields 1-3 are reserved so a
    // 1.0 payload decodes as an empty request, per the proto's own comment.
    private const int V2RequestSymbols = 4;
    private const int V2RequestTimeseries = 5;

    // io.prometheus.write.v2.TimeSeries. Field 6 (the old created_timestamp) is reserved now and skipped as unknown.
    private const int V2SeriesLabelsRefs = 1;
    private const int V2SeriesSamples = 2;
    private const int V2SeriesHistograms = 3;
    private const int V2SeriesExemplars = 4;
    private const int V2SeriesMetadata = 5;

    /// <summary>
    /// Decodes a remote-write 2.0 <c>io.prometheus.write.v2.Request</c>. Label refs resolve to slices of the symbol
    /// strings in the buffer. Symbols are collected in a first pass, so field order on the wire does not matter.
    /// </summary>
    /// <remarks><paramref name="into"/> keeps referencing <paramref name="protobuf"/> until its next reset.</remarks>
    public static bool TryDecodeV2(ReadOnlyMemory<byte> protobuf, DecodedWriteRequest into, out string? error)
    {
        into.Begin(protobuf);
        ReadOnlySpan<byte> buf = protobuf.Span;
        var top = new ProtoCursor(buf, 0, buf.Length);
        while (top.HasMore)
        {
            int at = top.Position;
            if (!top.TryReadTag(out int field, out int wireType))
            {
                return Fail(into, top.Describe("Request"), out error);
            }

            if (field == V2RequestSymbols)
            {
                if (!TryReadEmbedded(ref top, wireType, at, out int start, out int end))
                {
                    return Fail(into, top.Describe("Request.symbols"), out error);
                }

                into.AddSymbol(start, end - start);
            }
            else if (field == V2RequestTimeseries)
            {
                // Validate the wire type now: the second pass trusts the top level completely.
                if (!TryReadEmbedded(ref top, wireType, at, out _, out _))
                {
                    return Fail(into, top.Describe("Request.timeseries"), out error);
                }
            }
            else if (!top.TrySkip(wireType))
            {
                return Fail(into, top.Describe("Request"), out error);
            }
        }

        // 2.0 spec §Protocol / types.proto: "symbols array MUST start with empty string".
        if (into.SymbolCount > 0 && into.Symbol(0).NameLength != 0)
        {
            return Fail(into, "remote-write 2.0: symbols[0] must be the empty string", out error);
        }

        // Second pass: the top level was validated above, so only series bodies can fail here.
        top = new ProtoCursor(buf, 0, buf.Length);
        while (top.HasMore)
        {
            top.TryReadTag(out int field, out int wireType);
            if (field != V2RequestTimeseries)
            {
                top.TrySkip(wireType);
                continue;
            }

            top.TryReadLengthDelimited(out int start, out int length);
            if (!TryDecodeSeriesV2(buf, start, start + length, into, out error))
            {
                into.Reset();
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryDecodeSeriesV2(ReadOnlySpan<byte> buf, int start, int end, DecodedWriteRequest into, out string? error)
    {
        var c = new ProtoCursor(buf, start, end);
        // 2.0 label refs index a per-request symbol table, so their bytes are no stable identity.
        var series = new DecodedSeries { LabelStart = into.LabelCount, SampleStart = into.SampleCount };
        int refCount = 0;
        uint pendingName = 0;
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
                case V2SeriesLabelsRefs:
                    // repeated uint32: packed (wire type 2) is canonical, unpacked (0) must be accepted too.
                    if (wireType == ProtoCursor.WireVarint)
                    {
                        int refAt = c.Position;
                        if (!c.TryReadUInt32(out uint single))
                        {
                            error = c.Describe("TimeSeries.labels_refs");
                            return false;
                        }

                        if (!TryAddRef(single, refAt, ref refCount, ref pendingName, into, out error))
                        {
                            return false;
                        }

                        break;
                    }

                    if (!TryReadEmbedded(ref c, wireType, at, out int ps, out int pe))
                    {
                        error = c.Describe("TimeSeries.labels_refs");
                        return false;
                    }

                    var packed = new ProtoCursor(buf, ps, pe);
                    while (packed.HasMore)
                    {
                        int refAt = packed.Position;
                        if (!packed.TryReadUInt32(out uint r))
                        {
                            error = packed.Describe("TimeSeries.labels_refs");
                            return false;
                        }

                        if (!TryAddRef(r, refAt, ref refCount, ref pendingName, into, out error))
                        {
                            return false;
                        }
                    }

                    break;

                case V2SeriesSamples:
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

                case V2SeriesHistograms or V2SeriesExemplars or V2SeriesMetadata:
                    if (!TryReadEmbedded(ref c, wireType, at, out _, out _))
                    {
                        error = c.Describe(field switch
                        {
                            V2SeriesHistograms => "TimeSeries.histograms",
                            V2SeriesExemplars => "TimeSeries.exemplars",
                            _ => "TimeSeries.metadata",
                        });
                        return false;
                    }

                    series.HistogramCount += field == V2SeriesHistograms ? 1 : 0;
                    series.ExemplarCount += field == V2SeriesExemplars ? 1 : 0;
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

        // types.proto: "This list's length is always a multiple of two".
        if ((refCount & 1) != 0)
        {
            error = Format($"remote-write 2.0: odd number of labels_refs ({refCount}) in TimeSeries ending at byte {end}");
            return false;
        }

        series.LabelCount = into.LabelCount - series.LabelStart;
        series.SampleCount = into.SampleCount - series.SampleStart;
        into.AddSeries(series);
        error = null;
        return true;
    }

    private static bool TryAddRef(uint symbolRef, int at, ref int refCount, ref uint pendingName, DecodedWriteRequest into, out string? error)
    {
        if (symbolRef >= (uint)into.SymbolCount)
        {
            error = Format($"remote-write 2.0: labels_refs value {symbolRef} out of range of {into.SymbolCount} symbols at byte {at} in TimeSeries.labels_refs");
            return false;
        }

        if ((refCount++ & 1) == 0)
        {
            pendingName = symbolRef;
        }
        else
        {
            ref readonly LabelSlice name = ref into.Symbol((int)pendingName);
            ref readonly LabelSlice value = ref into.Symbol((int)symbolRef);
            into.AddLabel(name.NameOffset, name.NameLength, value.NameOffset, value.NameLength);
        }

        error = null;
        return true;
    }
}
