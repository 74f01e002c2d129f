using System.Collections.Concurrent;
using System.Diagnostics;
using Vigil.RemoteWrite.Codec;
using Vigil.Wal;

namespace Vigil.RemoteWrite.Receive;

/// <summary>
/// The remote-write receive handler of one instance run. It is built once when the run starts and
/// shared by every request of that run; nothing here registers metrics or opens files per request
/// (DEVELOPERS.md, rule 1). A request's samples are durable in the WAL before its status is known.
/// </summary>
internal sealed partial class RemoteWriteReceiver
{
    private readonly Wal.Wal _wal;
    private readonly InstanceReceiverMetrics _metrics;
    private readonly ConcurrentBag<ReceiveContext> _contexts = [];

    private readonly int _maxPooledContexts = Environment.ProcessorCount * 4;

    public RemoteWriteReceiver(Wal.Wal wal, InstanceReceiverMetrics metrics, long maxDecompressedBytes)
    {
        _wal = wal;
        _metrics = metrics;
        MaxDecompressedBytes = (int)Math.Min(maxDecompressedBytes, Array.MaxLength);
    }

    /// <summary>Limit on the decompressed body (issue 2: default 32 MiB); larger bodies get a 413.</summary>
    public int MaxDecompressedBytes { get; }

    /// <summary>The compressed-size limit that goes with a decompressed-size limit (snappy's worst case).</summary>
    public static long CompressedLimit(long maxDecompressedBytes) => Snappy.MaxEncodedLength((int)Math.Min(maxDecompressedBytes, Array.MaxLength / 2));

    /// <summary>Decodes, validates and durably writes one snappy-compressed request body.</summary>
    /// <param name="body">Valid only until the returned task completes.</param>
    public async ValueTask<ReceiveResult> ReceiveAsync(ReadOnlyMemory<byte> body, RemoteWriteVersion version)
    {
        var started = Stopwatch.GetTimestamp();
        var context = RentContext();
        try
        {
            var result = await ReceiveCoreAsync(body, version, context).ConfigureAwait(false);
            _metrics.Duration.Observe(Stopwatch.GetElapsedTime(started));
            return result;
        }
        finally
        {
            ReturnContext(context);
        }
    }

    public void CountRequest(int statusCode) => _metrics.CountRequest(statusCode);

    private async ValueTask<ReceiveResult> ReceiveCoreAsync(ReadOnlyMemory<byte> body, RemoteWriteVersion version, ReceiveContext context)
    {
        if (body.IsEmpty)
        {
            return ReceiveResult.Fail(400, "empty body: expected a snappy-compressed protobuf message");
        }

        if (!Snappy.TryGetDecodedLength(body.Span, out var length))
        {
            return ReceiveResult.Fail(400, "snappy: corrupt block header (bad decoded length)");
        }

        if (length > MaxDecompressedBytes)
        {
            return ReceiveResult.Fail(413, $"decompressed body of {length} bytes exceeds the limit of {MaxDecompressedBytes} bytes");
        }

        var decompressed = context.RentBody(length);
        if (!Snappy.TryDecode(body.Span, decompressed, out var written, out var snappyError))
        {
            return ReceiveResult.Fail(400, snappyError ?? "snappy: corrupt input");
        }

        var message = context.Body.AsMemory(0, written);
        var decoded = version == RemoteWriteVersion.V2
            ? WriteRequestDecoder.TryDecodeV2(message, context.Request, out var protoError)
            : WriteRequestDecoder.TryDecodeV1(message, context.Request, out protoError);
        if (!decoded)
        {
            return ReceiveResult.Fail(400, protoError ?? "protobuf: malformed message");
        }

        var pending = ResolveCached(context);
        var rejection = pending == 0 ? null : BuildKeys(context);
        long samples;
        try
        {
            samples = await WriteAsync(context, pending > 0).ConfigureAwait(false);
        }
        catch (WalWriteException ex)
        {
            // The WAL itself failed, so the sender must retry (issue 2, statuses).
            return ReceiveResult.Fail(500, $"wal: {ex.Message}");
        }
#pragma warning disable CA1031 // A bug here must cost one request a 500 with a reason, never the process.
        catch (Exception ex) when (ex is not OutOfMemoryException and not ObjectDisposedException)
#pragma warning restore CA1031
        {
            return ReceiveResult.Fail(500, $"internal error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
        }
        var request = context.Request;
        var histograms = request.HistogramCount;
        var exemplars = request.ExemplarCount;
        _metrics.Histograms.Add(histograms);
        _metrics.Exemplars.Add(exemplars);

        // Native histograms and exemplars are counted but not stored yet, so the 2.0 written-count
        // headers honestly report 0 for them (remote-write 2.0 spec, "Partial write").
        return rejection is null
            ? new ReceiveResult(204, null, samples, 0, 0)
            : new ReceiveResult(400, rejection, samples, 0, 0);
    }

    private ReceiveContext RentContext() => _contexts.TryTake(out var context) ? context : new ReceiveContext();

    private void ReturnContext(ReceiveContext context)
    {
        context.Reset();
        if (_contexts.Count < _maxPooledContexts)
        {
            _contexts.Add(context);
        }
    }
}
