using System.Globalization;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>A real node exporter (Debian's <c>prometheus-node-exporter</c>, 1.5) on a free loopback port.</summary>
internal sealed class NodeExporterPeer : IAsyncDisposable
{
    public const string Binary = "prometheus-node-exporter";

    /// <summary>
    /// Debian turns the systemd collector on; a container has no systemd, so it fails on every scrape (an error log
    /// line each time, and only <c>node_scrape_collector_success{collector="systemd"} 0</c> to show for it).
    /// Every scraper of this exporter sees the same collectors, so turning it off changes no comparison.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultArgs = ["--no-collector.systemd"];

    private NodeExporterPeer(PeerProcess process, int port)
    {
        Process = process;
        Port = port;
        BaseUrl = HttpPeerLauncher.LoopbackUrl(port);
    }

    public PeerProcess Process { get; }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as a scrape config's target.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary><c>http://127.0.0.1:port/</c>; the metrics are at <c>/metrics</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// Starts the exporter with <see cref="DefaultArgs"/> and then <paramref name="extraArgs"/> (e.g. more
    /// <c>--no-collector.*</c>), and waits for its landing page (not <c>/metrics</c>, which would run every
    /// collector). Throws "peer 'prometheus-node-exporter' is not installed" when it is missing.
    /// </summary>
    public static async Task<NodeExporterPeer> StartAsync(TempDir dir, params string[] extraArgs)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var binary = Peers.Require(Binary);
        var (process, port) = await HttpPeerLauncher.StartAsync(
            binary,
            port => new[] { string.Create(CultureInfo.InvariantCulture, $"--web.listen-address=127.0.0.1:{port}") }
                .Concat(DefaultArgs)
                .Concat(extraArgs),
            "/",
            dir.Path).ConfigureAwait(false);
        return new NodeExporterPeer(process, port);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
