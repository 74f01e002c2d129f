using System.Diagnostics;
using System.Text.Json;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>The Prometheus HTTP query API, which Prometheus, VictoriaMetrics and Vigil all serve.</summary>
internal static class PrometheusApi
{
    /// <summary>Instant query; returns the raw JSON body (<c>{"status":"success","data":{…}}</c>).</summary>
    public static Task<string> QueryAsync(Uri baseUrl, string promql, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var url = new Uri(baseUrl, "/api/v1/query?query=" + Uri.EscapeDataString(promql));
        return PeerHttp.GetStringAsync(url, timeout, cancellationToken);
    }

    /// <summary>Instant query evaluated at <paramref name="timeMs"/> (ms since the epoch, sent as exact decimal seconds).</summary>
    public static Task<string> QueryAtAsync(Uri baseUrl, string promql, long timeMs, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentOutOfRangeException.ThrowIfNegative(timeMs);
        var time = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{timeMs / 1000}.{timeMs % 1000:D3}");
        var url = new Uri(baseUrl, "/api/v1/query?query=" + Uri.EscapeDataString(promql) + "&time=" + time);
        return PeerHttp.GetStringAsync(url, timeout, cancellationToken);
    }

    /// <summary>
    /// Repeats the instant query until its result is non-empty (e.g. until the first scrape landed)
    /// and returns that JSON; throws <see cref="TimeoutException"/> with the last answer otherwise.
    /// </summary>
    public static async Task<string> WaitForResultAsync(Uri baseUrl, string promql, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await QueryAsync(baseUrl, promql, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                if (ResultCount(last) > 0)
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"query '{promql}' at {baseUrl} had no result within {timeout}; last answer: {last}");
    }

    /// <summary>Number of series in a query answer's <c>data.result</c> (1 for a scalar or string result).</summary>
    public static int ResultCount(string json)
    {
        using var document = JsonDocument.Parse(json);
        var data = document.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        return result.ValueKind == JsonValueKind.Array && data.GetProperty("resultType").GetString() is "vector" or "matrix"
            ? result.GetArrayLength()
            : 1;
    }
}
