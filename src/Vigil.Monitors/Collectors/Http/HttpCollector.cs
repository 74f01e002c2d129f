using System.Diagnostics;
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
                _ => Task.FromResult(new HttpProbeClient(monitor.Text("tls_skip_verify") == "true", monitor.Text("client_cert_file"), monitor.Text("client_key_file"))),
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
        var keyword = TextMatcher.Parse(monitor.Text("keyword"));
        var expected = StatusRanges.Parse(monitor.Text("expected_status"));
        var (response, redirects) = await SendFollowingAsync(client, monitor, url, keyword is not null, cancellationToken).ConfigureAwait(false);
        var status = response.Status;
        probe?.Set("status_code", status)
            .Set("content_length", response.ContentLength ?? response.BodyBytes)
            .Set("redirects", redirects)
            .Set("duration", Stopwatch.GetElapsedTime(started).TotalSeconds)
            .Set("success", 1);
        if (url.Scheme == Uri.UriSchemeHttps && client.EarliestCertExpiry is { } expiry)
        {
            context.Rows.Add("tls")?.Set("earliest_cert_expiry", expiry);
        }

        if (!expected.Contains(status))
        {
            probe?.Set("success", 0);
            context.Rows.Fail("status", $"status {status} is not in {expected.Text}");
            return;
        }

        if (keyword is not null && !keyword.IsMatch(response.Body ?? ""))
        {
            probe?.Set("success", 0);
            context.Rows.Fail("keyword", $"the body does not contain {keyword}");
        }
    }

    internal static Uri ParseUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new CollectException("config", $"'{text}' is not an http or https URL");

    /// <summary>The request the monitor's params describe; its method is re-checked here, since a bad one would break the request line.</summary>
    private static ProbeRequest Request(MonitorDefinition monitor)
    {
        var method = monitor.Text("method") is { Length: > 0 } given ? given : "GET";
        if (!method.All(c => char.IsAsciiLetterUpper(c) || c == '-' || char.IsAsciiLetterLower(c)))
        {
            throw new CollectException("config", $"'{method}' is not an HTTP method");
        }

        IEnumerable<KeyValuePair<string, string>> headers = monitor.Params.TryGetValue("headers", out var value) && value.Map is { } map ? map : [];
        string? authorization = null;
        if (monitor.Text("bearer_token") is { Length: > 0 } token)
        {
            authorization = "Bearer " + token;
        }
        else if (monitor.Text("username") is { Length: > 0 } user)
        {
            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + monitor.Text("password")));
        }

        return new ProbeRequest(method, headers, authorization, monitor.Text("body"));
    }
}
