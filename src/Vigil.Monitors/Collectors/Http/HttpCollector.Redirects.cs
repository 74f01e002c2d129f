using Vigil.Monitors.Model;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>Redirects, followed here to count them, as <c>probe_http_redirects</c>.</summary>
internal sealed partial class HttpCollector
{
    /// <param name="keepBody">Whether the final body is needed (a keyword); otherwise it is only counted.</param>
    private static async Task<(ProbeResponse Response, int Redirects)> SendFollowingAsync(
        HttpProbeClient client, MonitorDefinition monitor, Uri url, bool keepBody, CancellationToken cancellationToken)
    {
        var request = Request(monitor);
        var follow = monitor.Text("follow_redirects") != "false";
        var redirects = 0;
        while (true)
        {
            var response = await client.SendAsync(request, url, keepBody, cancellationToken).ConfigureAwait(false);
            if (!follow || !IsRedirect(response.Status) || response.Location is not { } location || redirects == MaxRedirects)
            {
                return (response, redirects);
            }

            if (!Uri.TryCreate(url, location, out var next) || (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps))
            {
                throw new CollectException("redirect", $"cannot follow the redirect to '{location}'");
            }

            redirects++;
            url = next;
            // 301, 302 and 303 turn the request into a body-less GET, as browsers and Go's client do; 307 and 308 keep it.
            if (response.Status is not (307 or 308))
            {
                request = request with { Method = "GET", Body = null };
            }
        }
    }

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;
}
