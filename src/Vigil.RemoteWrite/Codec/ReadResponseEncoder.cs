using System.Buffers;

namespace Vigil.RemoteWrite.Codec;

/// <summary>
/// Encodes a sampled remote-read response (prompb/remote.proto: ReadResponse.results = 1, QueryResult.timeseries = 1),
/// uncompressed; the handler snappy-compresses it. A QueryResult has the same fields as a 1.0 WriteRequest, so each
/// result is written by <see cref="WriteRequestEncoder.EncodeV1(IReadOnlyList{WriteSeries}, IBufferWriter{byte})"/>.
/// </summary>
internal static class ReadResponseEncoder
{
    /// <param name="results">One list of series per query of the request, in the request's order.</param>
    public static byte[] Encode(IReadOnlyList<IReadOnlyList<WriteSeries>> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var output = new ArrayBufferWriter<byte>();
        var result = new ArrayBufferWriter<byte>();
        foreach (var series in results)
        {
            result.ResetWrittenCount();
            WriteRequestEncoder.EncodeV1(series, result);
            int size = ProtoWriter.LengthDelimitedSize(1, result.WrittenCount);
            var w = new ProtoWriter(output.GetSpan(size)[..size]);
            w.BeginLengthDelimited(1, result.WrittenCount);
            output.Advance(w.Position);
            output.Write(result.WrittenSpan);
        }

        return output.WrittenSpan.ToArray();
    }
}

/// <summary>
/// Encodes a remote-read request (prompb ReadRequest), uncompressed: what a remote-read client sends, used by tests
/// and tools that read from Vigil or from another Prometheus-compatible store.
/// </summary>
internal static class ReadRequestEncoder
{
    public static byte[] Encode(RemoteReadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var output = new ArrayBufferWriter<byte>();
        foreach (var query in request.Queries)
        {
            WriteMessage(output, 1, Query(query));
        }

        if (request.AcceptedResponseTypes.Count > 0)
        {
            var packed = new ArrayBufferWriter<byte>();
            foreach (var type in request.AcceptedResponseTypes)
            {
                WriteVarint(packed, (ulong)type);
            }

            WriteMessage(output, 2, packed.WrittenSpan);
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] Query(RemoteReadQuery query)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteVarintField(output, 1, unchecked((ulong)query.StartMs));
        WriteVarintField(output, 2, unchecked((ulong)query.EndMs));
        foreach (var matcher in query.Matchers)
        {
            var m = new ArrayBufferWriter<byte>();
            WriteVarintField(m, 1, (ulong)matcher.Type);
            WriteMessage(m, 2, System.Text.Encoding.UTF8.GetBytes(matcher.Name));
            WriteMessage(m, 3, System.Text.Encoding.UTF8.GetBytes(matcher.Value));
            WriteMessage(output, 3, m.WrittenSpan);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteVarintField(ArrayBufferWriter<byte> output, int field, ulong value)
    {
        WriteVarint(output, (ulong)field << 3);
        WriteVarint(output, value);
    }

    private static void WriteMessage(ArrayBufferWriter<byte> output, int field, ReadOnlySpan<byte> payload)
    {
        WriteVarint(output, ((ulong)field << 3) | ProtoCursor.WireLength);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        Span<byte> span = output.GetSpan(10);
        var w = new ProtoWriter(span);
        w.WriteVarint(value);
        output.Advance(w.Position);
    }
}
