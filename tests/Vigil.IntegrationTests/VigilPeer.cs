using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>The real <c>vigil</c> executable as a separate process, for tests that kill it.</summary>
internal sealed class VigilPeer : IAsyncDisposable
{
    private VigilPeer(PeerProcess process, int port)
    {
        Process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = HttpPeerLauncher.LoopbackUrl(port), Timeout = TimeSpan.FromSeconds(30) };
    }

    public PeerProcess Process { get; }

    public int Port { get; }

    public HttpClient Client { get; }

    public static async Task<VigilPeer> StartAsync(string dataDirectory, string workingDirectory, string? configPath = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (process, port) = await HttpPeerLauncher.StartAsync(
            VigilCli.ExecutablePath,
            port => configPath is null
                ? ["run", "--listen", $"127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--data", dataDirectory]
                : ["run", "--listen", $"127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--data", dataDirectory, "--config", configPath],
            "/-/ready",
            workingDirectory,
            environment);
        return new VigilPeer(process, port);
    }

    /// <summary>
    /// Waits (60 s at most, then fails) until the TSDB head has read <paramref name="samples"/> samples from the
    /// default instance's WAL. Vigil acknowledges a write once the WAL holds it and feeds the head after that, so on a
    /// loaded machine a query right after a push can see part of the data (a CI failure: "0 series"); Prometheus
    /// appends to its head before it answers and needs no such wait.
    /// </summary>
    public Task WaitForHeadSamplesAsync(long samples) =>
        RemoteWriteForwardingTests.WaitForAsync(
            async () => RemoteWriteForwardingTests.Metric(await Client.GetStringAsync("/metrics"), "vigil_tsdb_wal_samples_total{instance=\"default\"}") >= samples,
            TimeSpan.FromSeconds(60),
            $"the head to read all {samples} pushed samples from the WAL");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }
}
