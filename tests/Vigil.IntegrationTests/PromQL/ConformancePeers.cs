using System.Diagnostics;
using System.Globalization;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>
/// The reference (a real Prometheus 2.42) and the candidate (Vigil, as its own process, TSDB on), both loaded with
/// the same remote-write bodies of <see cref="ConformanceData"/>. Started once per test collection, on first use,
/// so a skipped test starts nothing. <c>VIGIL_CONFORMANCE_CANDIDATE=prometheus</c> makes the candidate a second
/// Prometheus: the harness must then report no mismatch at all, which checks the harness itself.
/// </summary>
public sealed class ConformancePeers : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TempDir _referenceDir = new("promql-reference");
    private readonly TempDir _candidateDir = new("promql-candidate");
    private PrometheusPeer? _reference;
    private PrometheusPeer? _candidatePrometheus;
    private VigilPeer? _candidateVigil;
    private ConformanceData? _data;

    internal static bool CandidateIsPrometheus =>
        string.Equals(Environment.GetEnvironmentVariable("VIGIL_CONFORMANCE_CANDIDATE"), "prometheus", StringComparison.OrdinalIgnoreCase);

    internal string CandidateName => CandidateIsPrometheus ? "prometheus (second)" : "vigil";

    internal Uri ReferenceUrl => _reference!.BaseUrl;

    internal Uri CandidateUrl => _candidatePrometheus?.BaseUrl ?? new Uri($"http://127.0.0.1:{_candidateVigil!.Port.ToString(CultureInfo.InvariantCulture)}/");

    internal PeerProcess CandidateProcess => _candidatePrometheus?.Process ?? _candidateVigil!.Process;

    internal ConformanceData Data => _data!;

    /// <summary>What loading took: bodies, bytes, samples and time, for the test's summary.</summary>
    internal string LoadSummary { get; private set; } = string.Empty;

    /// <summary>Starts both servers and loads the data, once; later calls return at once.</summary>
    internal async Task EnsureStartedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_data is null)
            {
                await StartAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartAsync()
    {
        var data = ConformanceData.EndingBeforeNow();
        const string config = "global:\n  scrape_interval: 15s\n";
        _reference = await PrometheusPeer.StartAsync(_referenceDir, config, "--web.enable-remote-write-receiver");
        if (CandidateIsPrometheus)
        {
            _candidatePrometheus = await PrometheusPeer.StartAsync(_candidateDir, config, "--web.enable-remote-write-receiver");
        }
        else
        {
            _candidateVigil = await VigilPeer.StartAsync(_candidateDir.Combine("data"), _candidateDir.Path);
        }

        var clock = Stopwatch.StartNew();
        var (bodies, bytes) = await PushAsync(data);
        if (_candidateVigil is not null)
        {
            await _candidateVigil.WaitForHeadSamplesAsync(data.SampleCount);
        }

        await WaitForSameSeriesCountAsync(data);
        LoadSummary = string.Create(
            CultureInfo.InvariantCulture,
            $"{data.Series.Count} series, {data.SampleCount} samples from {QueryClient.Seconds(data.StartMs)} to {QueryClient.Seconds(data.EndMs)}; {bodies} remote-write bodies ({bytes} bytes) to each server in {clock.Elapsed.TotalSeconds:0.0} s");
        _data = data;
    }

    private async Task<(int Bodies, long Bytes)> PushAsync(ConformanceData data)
    {
        int count = 0;
        long bytes = 0;
        foreach (var body in data.RemoteWriteBodies())
        {
            await Task.WhenAll(QueryClient.RemoteWriteAsync(ReferenceUrl, body), QueryClient.RemoteWriteAsync(CandidateUrl, body));
            count++;
            bytes += body.Length;
        }

        return (count, bytes);
    }

    /// <summary>
    /// Vigil feeds its TSDB from the WAL after acknowledging the write; wait (30 s at most) until it holds as many
    /// series as Prometheus before comparing anything.
    /// </summary>
    private async Task WaitForSameSeriesCountAsync(ConformanceData data)
    {
        const string count = "count({__name__=~\"conf_.+\"})";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var want = await QueryClient.InstantAsync(ReferenceUrl, count, data.EndMs);
        while (DateTime.UtcNow < deadline)
        {
            var got = await QueryClient.InstantAsync(CandidateUrl, count, data.EndMs);
            if (AnswerComparer.Compare(want, got, ordered: false).Count == 0)
            {
                return;
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_candidateVigil is not null)
        {
            await _candidateVigil.DisposeAsync();
        }

        if (_candidatePrometheus is not null)
        {
            await _candidatePrometheus.DisposeAsync();
        }

        if (_reference is not null)
        {
            await _reference.DisposeAsync();
        }

        _referenceDir.Dispose();
        _candidateDir.Dispose();
        _gate.Dispose();
    }
}
