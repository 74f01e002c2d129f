using System.Buffers;
using System.Net;
using System.Text;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>Redirects (followed here to count them, as <c>probe_http_redirects</c>) and the capped body read.</summary>
internal sealed partial class HttpCollector
{
    private static async Task<(HttpResponseMessage Response, int Redirects)> SendFollowingAsync(HttpClient client, MonitorDefinition monitor, Uri url, CancellationToken cancellationToken)
    {
        var method = new HttpMethod(monitor.Text("method") ?? "GET");
        var follow = monitor.Text("follow_redirects") != "false";
        var redirects = 0;
        while (true)
        {
            using var request = Request(monitor, method, url, withBody: redirects == 0 || method != HttpMethod.Get);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!follow || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location || redirects == MaxRedirects)
            {
                return (response, redirects);
            }

            response.Dispose();
            redirects++;
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            // 301, 302 and 303 turn the request into a GET, as browsers and Go's client do; 307 and 308 keep it.
            if (response.StatusCode is not (HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
            {
                method = HttpMethod.Get;
            }
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>Reads at most <see cref="MaxBodyBytes"/> (what a keyword can be searched in) and counts every byte.</summary>
    private static async Task<(string Body, long Length)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                using var kept = new MemoryStream();
                long total = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (kept.Length < MaxBodyBytes)
                    {
                        kept.Write(buffer, 0, (int)Math.Min(read, MaxBodyBytes - kept.Length));
                    }
                }

                return (Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length), total);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
