using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.RemoteWrite.Codec;
using Vigil.Tsdb.Storage;

namespace Vigil.Http;

/// <summary>
/// <c>POST /api/v1/read</c>: Prometheus's remote-read protocol with the sampled response (issue 5), so another
/// Prometheus can read Vigil's data (<c>remote_read</c>). Reads only through the storage contract. Limits follow
/// Prometheus's defaults: a request over the sample limit is refused with 400, as <c>--storage.remote.read-sample-limit</c>.
/// </summary>
internal static class RemoteReadEndpoints
{
    /// <summary>Prometheus's --storage.remote.read-sample-limit default.</summary>
    public const long DefaultSampleLimit = 50_000_000;

    // A read request is a few matchers per query; anything near these sizes is not one.
    private const long MaxCompressedBytes = 4L << 20;
    private const int MaxDecompressedBytes = 32 << 20;

    public static IEndpointRouteBuilder MapRemoteRead(this IEndpointRouteBuilder app, Func<IQueryableStorage?> storage, long sampleLimit = DefaultSampleLimit)
    {
        app.MapPost("/api/v1/read", ctx => HandleAsync(ctx, storage(), sampleLimit));
        return app;
    }

    private static async Task HandleAsync(HttpContext ctx, IQueryableStorage? storage, long sampleLimit)
    {
        if (storage is null)
        {
            await ReplyAsync(ctx, 503, "local storage is not running").ConfigureAwait(false);
            return;
        }

        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(ctx.Request, MaxCompressedBytes, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return; // the client went away mid-body
        }

        RemoteReadRequest? request;
        using (body)
        {
            if (body.TooLarge)
            {
                await ReplyAsync(ctx, 413, string.Create(CultureInfo.InvariantCulture, $"read request exceeds {MaxCompressedBytes} bytes")).ConfigureAwait(false);
                return;
            }

            if (!TryDecode(body.Memory.Span, out request, out string? error))
            {
                await ReplyAsync(ctx, 400, error!).ConfigureAwait(false);
                return;
            }
        }

        if (!request!.AcceptsSamples)
        {
            await ReplyAsync(ctx, 400, "none of the accepted response types is supported: Vigil answers with SAMPLES only").ConfigureAwait(false);
            return;
        }

        var results = new List<IReadOnlyList<WriteSeries>>(request.Queries.Count);
        long samples = 0;
        foreach (var query in request.Queries)
        {
            LabelMatcher[] matchers;
            try
            {
                matchers = [.. query.Matchers.Select(ToMatcher)];
            }
            catch (InvalidMatcherException ex)
            {
                await ReplyAsync(ctx, 400, ex.Message).ConfigureAwait(false);
                return;
            }

            var (series, read) = Select(storage, query, matchers, sampleLimit - samples);
            if (series is null)
            {
                await ReplyAsync(ctx, 400, string.Create(CultureInfo.InvariantCulture, $"exceeded sample limit ({sampleLimit})")).ConfigureAwait(false);
                return;
            }

            samples += read;
            results.Add(series);
        }

        byte[] response = ReadResponseEncoder.Encode(results);
        byte[] compressed = ArrayPool<byte>.Shared.Rent(Snappy.MaxEncodedLength(response.Length));
        try
        {
            int length = Snappy.Encode(response, compressed);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/x-protobuf";
            ctx.Response.Headers.ContentEncoding = "snappy";
            await ctx.Response.Body.WriteAsync(compressed.AsMemory(0, length), ctx.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> compressed, out RemoteReadRequest? request, out string? error)
    {
        request = null;
        if (!Snappy.TryGetDecodedLength(compressed, out int length))
        {
            error = "snappy: invalid block header";
            return false;
        }

        if (length > MaxDecompressedBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"decompressed read request exceeds {MaxDecompressedBytes} bytes");
            return false;
        }

        var decompressed = new byte[length];
        if (!Snappy.TryDecode(compressed, decompressed, out _, out string? snappyError))
        {
            error = "snappy: " + snappyError;
            return false;
        }

        return ReadRequestDecoder.TryDecode(decompressed, out request, out error);
    }

    private static LabelMatcher ToMatcher(RemoteReadMatcher matcher) => new(
        matcher.Type switch
        {
            RemoteMatchType.Equal => LabelMatchType.Equal,
            RemoteMatchType.NotEqual => LabelMatchType.NotEqual,
            RemoteMatchType.RegexMatch => LabelMatchType.Regex,
            _ => LabelMatchType.NotRegex,
        },
        matcher.Name,
        matcher.Value);

    /// <returns>The series with their samples in [start, end], or null series when <paramref name="budget"/> ran out.</returns>
    private static (List<WriteSeries>? Series, long Samples) Select(IQueryableStorage storage, RemoteReadQuery query, LabelMatcher[] matchers, long budget)
    {
        var hints = query.Hints is { } h
            ? new SelectHints { Start = h.StartMs, End = h.EndMs, Step = h.StepMs, Func = h.Func, Range = h.RangeMs, Grouping = h.Grouping, By = h.By }
            : new SelectHints { Start = query.StartMs, End = query.EndMs };
        using IQuerier querier = storage.Querier();
        using ISeriesSet set = querier.Select(query.StartMs, query.EndMs, hints, matchers);
        var series = new List<WriteSeries>();
        long samples = 0;
        ISampleIterator? iterator = null;
        while (set.MoveNext())
        {
            iterator = set.Current.Iterator(iterator);
            var points = new List<(long, double)>();
            bool more = iterator.Seek(query.StartMs);
            while (more)
            {
                var (t, v) = iterator.At();
                if (t > query.EndMs)
                {
                    break;
                }

                if (++samples > budget)
                {
                    return (null, samples);
                }

                points.Add((t, v));
                more = iterator.Next();
            }

            if (points.Count > 0)
            {
                var labels = set.Current.Labels;
                series.Add(new WriteSeries([.. labels.AsSpan().ToArray().Select(l => (l.Name, l.Value))], [.. points]));
            }
        }

        return (series, samples);
    }

    private static Task ReplyAsync(HttpContext ctx, int status, string reason)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        return ctx.Response.WriteAsync(reason.ReplaceLineEndings(" ") + "\n");
    }
}
