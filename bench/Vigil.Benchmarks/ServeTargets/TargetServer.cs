using System.Globalization;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Vigil.Benchmarks.ServeTargets;

/// <summary>
/// The HTTP side of serve-targets: blackbox-exporter style, <c>GET /metrics?target=t0001</c> picks the page, so
/// one listener stands in for every target and Prometheus and Vigil scrape it with the same relabeling.
/// </summary>
internal sealed class TargetServer : IAsyncDisposable
{
    // What node_exporter (client_golang) answers a Prometheus-text request with.
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly ServeTargetsOptions _options;
    private readonly TargetPages _pages;
    private readonly WebApplication _app;
    private long _gzipRequests;
    private long _identityRequests;
    private long _notFound;
    private long _bytesSent;

    public TargetServer(ServeTargetsOptions options, TargetPages pages)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _pages = pages;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.Listen);
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public Task StartAsync() => _app.StartAsync();

    /// <summary>Returns on SIGTERM or Ctrl-C.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private Task HandleAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        switch (context.Request.Path.Value)
        {
            case "/-/ready":
                return response.WriteAsync("ready\n");
            case "/-/stats":
                response.ContentType = "application/json";
                return response.WriteAsync(FormattableString.Invariant(
                    $"{{\"gzip_requests\":{Interlocked.Read(ref _gzipRequests)},\"identity_requests\":{Interlocked.Read(ref _identityRequests)},\"not_found\":{Interlocked.Read(ref _notFound)},\"bytes_sent\":{Interlocked.Read(ref _bytesSent)}}}\n"));
        }

        if (!TryFindTarget(context.Request.Query["target"], out int target))
        {
            Interlocked.Increment(ref _notFound);
            response.StatusCode = StatusCodes.Status404NotFound;
            return response.WriteAsync("unknown target: want ?target=" + _options.TargetName(0) + " ... " + _options.TargetName(_options.Targets - 1) + "\n");
        }

        byte[] page = _pages.Next(target);
        response.ContentType = ContentType;
        if (AcceptsGzip(context.Request.Headers.AcceptEncoding))
        {
            Interlocked.Increment(ref _gzipRequests);
            Interlocked.Add(ref _bytesSent, page.Length);
            response.Headers.ContentEncoding = "gzip";
            response.ContentLength = page.Length;
            return response.Body.WriteAsync(page, context.RequestAborted).AsTask();
        }

        Interlocked.Increment(ref _identityRequests);
        return WriteInflatedAsync(page, response, context.RequestAborted);
    }

    private async Task WriteInflatedAsync(byte[] page, HttpResponse response, CancellationToken aborted)
    {
        await using var inflate = new GZipStream(new MemoryStream(page, writable: false), CompressionMode.Decompress);
        using var counting = new MemoryStream();
        await inflate.CopyToAsync(counting, aborted).ConfigureAwait(false);
        Interlocked.Add(ref _bytesSent, counting.Length);
        response.ContentLength = counting.Length;
        await response.Body.WriteAsync(counting.GetBuffer().AsMemory(0, (int)counting.Length), aborted).ConfigureAwait(false);
    }

    /// <summary>t0001 ... t&lt;N&gt;, 1-based, exactly as <see cref="ServeTargetsOptions.TargetName"/> spells them.</summary>
    private bool TryFindTarget(StringValues values, out int target)
    {
        target = -1;
        string? name = values.Count == 1 ? values[0] : null;
        if (name is null || name.Length != _options.NameDigits + 1 || name[0] != 't'
            || !int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            || number < 1 || number > _pages.Targets)
        {
            return false;
        }

        target = number - 1;
        return true;
    }

    private static bool AcceptsGzip(StringValues acceptEncoding)
    {
        foreach (string? value in acceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
