using System.Globalization;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>
/// A query server started with small limits, for the bad-query tests: Prometheus 2.42 with <c>--query.max-samples</c>
/// and <c>--query.timeout</c>, or Vigil (its own process, so a crash cannot take the test host with it) with the same
/// limits in its config's <c>query</c> section. Loaded with <see cref="ConformanceData"/>.
/// </summary>
internal sealed class LimitedQueryServer : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly PrometheusPeer? _prometheus;
    private readonly VigilPeer? _vigil;

    private LimitedQueryServer(TempDir dir, PrometheusPeer? prometheus, VigilPeer? vigil, ConformanceData data)
    {
        _dir = dir;
        _prometheus = prometheus;
        _vigil = vigil;
        Data = data;
    }

    public ConformanceData Data { get; }

    public Uri BaseUrl => _prometheus?.BaseUrl ?? HttpPeerLauncher.LoopbackUrl(_vigil!.Port);

    public PeerProcess Process => _prometheus?.Process ?? _vigil!.Process;

    /// <summary>Starts <paramref name="kind"/> ("prometheus" or "vigil") with the limits and pushes the conformance data.</summary>
    public static async Task<LimitedQueryServer> StartAsync(string kind, int maxSamples, TimeSpan timeout)
    {
        var dir = new TempDir("promql-limits");
        var timeoutText = string.Create(CultureInfo.InvariantCulture, $"{(long)timeout.TotalMilliseconds}ms");
        PrometheusPeer? prometheus = null;
        VigilPeer? vigil = null;
        try
        {
            if (kind == "prometheus")
            {
                prometheus = await PrometheusPeer.StartAsync(
                    dir,
                    "global:\n  scrape_interval: 15s\n",
                    "--web.enable-remote-write-receiver",
                    $"--query.max-samples={maxSamples.ToString(CultureInfo.InvariantCulture)}",
                    $"--query.timeout={timeoutText}");
            }
            else
            {
                var config = dir.Combine("vigil.yml");
                await File.WriteAllTextAsync(config, $"metrics:\n  configs:\n    - name: default\nquery:\n  max_samples: {maxSamples.ToString(CultureInfo.InvariantCulture)}\n  timeout: {timeoutText}\n");
                vigil = await VigilPeer.StartAsync(dir.Combine("data"), dir.Path, config);
            }

            var server = new LimitedQueryServer(dir, prometheus, vigil, ConformanceData.EndingBeforeNow());
            await server.LoadAsync();
            return server;
        }
        catch
        {
            await DisposeAllAsync(dir, prometheus, vigil);
            throw;
        }
    }

    /// <summary>Sends <paramref name="form"/> to <paramref name="path"/> as Grafana does for long queries (POST, form-encoded).</summary>
    public async Task<ApiAnswer> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form, TimeSpan? timeout = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, path)) { Content = new FormUrlEncodedContent(form) };
        var (status, body) = await PeerHttp.SendForAnswerAsync(request, timeout ?? QueryClient.Timeout);
        return ApiAnswer.Parse(status, body);
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(_dir, _prometheus, _vigil);

    private async Task LoadAsync()
    {
        foreach (var body in Data.RemoteWriteBodies())
        {
            await QueryClient.RemoteWriteAsync(BaseUrl, body);
        }

        if (_vigil is not null)
        {
            await _vigil.WaitForHeadSamplesAsync(Data.SampleCount);
        }
    }

    private static async ValueTask DisposeAllAsync(TempDir dir, PrometheusPeer? prometheus, VigilPeer? vigil)
    {
        if (prometheus is not null)
        {
            await prometheus.DisposeAsync();
        }

        if (vigil is not null)
        {
            await vigil.DisposeAsync();
        }

        dir.Dispose();
    }
}
