using System.Globalization;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>Instant and range queries over the Prometheus HTTP API, answering <see cref="ApiAnswer"/> whatever the status.</summary>
internal static class QueryClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Milliseconds as the API's decimal seconds ("1700000000.250"), exact.</summary>
    public static string Seconds(long ms) =>
        string.Create(CultureInfo.InvariantCulture, $"{ms / 1000}.{ms % 1000:D3}");

    public static Task<ApiAnswer> InstantAsync(Uri baseUrl, string expression, long timeMs) =>
        GetAsync(baseUrl, $"/api/v1/query?query={Uri.EscapeDataString(expression)}&time={Seconds(timeMs)}");

    public static Task<ApiAnswer> RangeAsync(Uri baseUrl, string expression, long startMs, long endMs, long stepMs) =>
        GetAsync(baseUrl, $"/api/v1/query_range?query={Uri.EscapeDataString(expression)}&start={Seconds(startMs)}&end={Seconds(endMs)}&step={Seconds(stepMs)}");

    public static async Task<ApiAnswer> GetAsync(Uri baseUrl, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, pathAndQuery));
        var (status, body) = await PeerHttp.SendForAnswerAsync(request, Timeout).ConfigureAwait(false);
        return ApiAnswer.Parse(status, body);
    }

    /// <summary>POSTs one remote-write 1.0 body to <c>/api/v1/write</c>; throws unless the answer is 2xx.</summary>
    public static async Task RemoteWriteAsync(Uri baseUrl, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/api/v1/write")) { Content = Payloads.Content(body) };
        var (status, answer) = await PeerHttp.SendForAnswerAsync(request, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (status is < 200 or >= 300)
        {
            throw new InvalidOperationException($"remote write to {baseUrl} answered {status}: {answer}");
        }
    }

    /// <summary>True when <c>/-/ready</c> answers 2xx within 5 s: the process is alive and serving.</summary>
    public static async Task<bool> AnswersAsync(Uri baseUrl)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "/-/ready"));
            var (status, _) = await PeerHttp.SendForAnswerAsync(request, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return status is >= 200 and < 300;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            return false;
        }
    }
}
