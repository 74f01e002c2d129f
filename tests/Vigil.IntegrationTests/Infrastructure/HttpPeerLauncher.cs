namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>Starts an HTTP peer on a free loopback port and waits until it is ready.</summary>
internal static class HttpPeerLauncher
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int Attempts = 3;

    /// <summary>
    /// Starts <paramref name="binary"/> with the arguments <paramref name="argumentsForPort"/> builds
    /// for a free port, and waits for <paramref name="readyPath"/> to answer 2xx. If the port was
    /// taken between <see cref="FreePort.Get"/> and the peer binding it, tries again with another.
    /// </summary>
    public static async Task<(PeerProcess Process, int Port)> StartAsync(
        string binary,
        Func<int, IEnumerable<string>> argumentsForPort,
        string readyPath,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(argumentsForPort);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Get();
            var process = PeerProcess.Start(binary, argumentsForPort(port), workingDirectory, environment);
            try
            {
                await process.WaitForHttpOkAsync(LoopbackUrl(port, readyPath), StartTimeout).ConfigureAwait(false);
                return (process, port);
            }
            catch (InvalidOperationException) when (attempt < Attempts && process.HasExited && LostPortRace(process))
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await process.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    public static Uri LoopbackUrl(int port, string path = "/") =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}{path}"));

    private static bool LostPortRace(PeerProcess process) =>
        process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}
