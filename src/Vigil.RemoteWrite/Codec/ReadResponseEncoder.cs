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
