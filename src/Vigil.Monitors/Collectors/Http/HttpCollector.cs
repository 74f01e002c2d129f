using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Common.Config;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>
/// The <c>http</c> protocol (template <c>website</c>), with blackbox_exporter's http prober's series. Shared by
/// every website monitor and stateless: each monitor's client is its lease's, keyed by the params that decide the
/// connection (scheme, host and port; TLS and client certificate; credentials).
/// </summary>
internal sealed partial class HttpCollector : ICollector
{
    public const string Name = "http";

    private const int MaxRedirects = 10;
    private const int MaxBodyBytes = 10 << 20;

    private static readonly string[] ConnectionFields = ["tls_skip_verify", "client_cert_file", "client_key_file", "username", "password", "bearer_token"];

    public string Protocol => Name;

    public async Task CollectAsync(CollectContext context, CancellationToken cancellationToken)
    {
        var monitor = context.Monitor;
        var url = ParseUrl(monitor.Text("url"));
        var timeout = context.ParamTimeout();
        var fingerprint = ParamFingerprint.Of(monitor, ConnectionFields, url.Scheme, url.IdnHost, url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var started = Stopwatch.GetTimestamp();
        var probe = context.Rows.Add("probe");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var client = await context.Leases.AcquireAsync(
                Name,
                fingerprint,
                _ => Task.FromResult(new HttpProbeClient(monitor.Text("tls_skip_verify") == "true", monitor.Text("client_cert_file"), monitor.Text("client_key_file"), timeout)),
                cts.Token).ConfigureAwait(false);
            await ProbeAsync(context, client, url, probe, started, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.FailProbe(probe, started, "timeout", $"no response within {PromDuration.Format(timeout)}");
        }
        catch (HttpRequestException ex)
        {
            // A client whose connection failed is disposed and rebuilt with backoff (issue 7, "Connection leases").
            await context.Leases.FailAsync().ConfigureAwait(false);
            context.FailProbe(probe, started, "connect", ex.Message);
        }
        catch (CollectException ex)
        {
            context.FailProbe(probe, started, ex.Reason, ex.Message);
        }
    }

    private static async Task ProbeAsync(CollectContext context, HttpProbeClient client, Uri url, MetricsRow? probe, long started, CancellationToken cancellationToken)
    {
        var monitor = context.Monitor;
        var (response, redirects) = await SendFollowingAsync(client.Client, monitor, url, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var (body, length) = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            probe?.Set("status_code", status)
                .Set("content_length", response.Content.Headers.ContentLength ?? length)
                .Set("redirects", redirects)
                .Set("duration", Stopwatch.GetElapsedTime(started).TotalSeconds)
                .Set("success", 1);
            if (url.Scheme == Uri.UriSchemeHttps && client.EarliestCertExpiry is { } expiry)
            {
                context.Rows.Add("tls")?.Set("earliest_cert_expiry", expiry);
            }

            var expected = StatusRanges.Parse(monitor.Text("expected_status"));
            if (!expected.Contains(status))
            {
                probe?.Set("success", 0);
                context.Rows.Fail("status", $"status {status} is not in {expected.Text}");
                return;
            }

            if (TextMatcher.Parse(monitor.Text("keyword")) is { } keyword && !keyword.IsMatch(body))
            {
                probe?.Set("success", 0);
                context.Rows.Fail("keyword", $"the body does not contain {keyword}");
            }
        }
    }

    internal static Uri ParseUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new CollectException("config", $"'{text}' is not an http or https URL");

    private static HttpRequestMessage Request(MonitorDefinition monitor, HttpMethod method, Uri url, bool withBody)
    {
        var request = new HttpRequestMessage(method, url);
        if (monitor.Params.TryGetValue("headers", out var headers) && headers.Map is { } map)
        {
            foreach (var (name, value) in map)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (monitor.Text("bearer_token") is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (monitor.Text("username") is { Length: > 0 } user)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + monitor.Text("password")));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        if (withBody && monitor.Text("body") is { Length: > 0 } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
        }

        return request;
    }
}
