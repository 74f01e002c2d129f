using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Monitors.Tests.Store;

/// <summary>
/// A throw-away PostgreSQL from the Debian package: <c>initdb</c> into a temp folder, <c>postgres</c> on a free
/// loopback port, stopped by its PID. PostgreSQL refuses to run as root, so as root it runs as the package's
/// <c>postgres</c> user (through <c>setpriv</c>, which execs, so the PID is the server's).
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private Process? _process;

    private PostgresServer(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"postgres://vigil@127.0.0.1:{Port}/postgres";

    /// <summary>Why no server can run here, or null when one can.</summary>
    public static string? Unavailable() => FindBin() is null ? "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (scripts/install-deps installs them)" : null;

    /// <summary>
    /// Starts a server, or returns null when this machine has none; with <c>CI=true</c> a missing server fails
    /// instead, so CI can never pass by skipping.
    /// </summary>
    public static async Task<PostgresServer?> StartOrSkipAsync(Action<string> log)
    {
        if (Unavailable() is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException(reason);
            }

            log("skipped: " + reason);
            return null;
        }

        var dir = Directory.CreateTempSubdirectory("vigil-pg-").FullName;
        var server = new PostgresServer(FindBin()!, dir, FreePort());
        await server.InitAsync();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        _process = Run("postgres", "-D", Data, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _dir, "-h", "127.0.0.1", "-c", "fsync=off");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("postgres exited: " + await _process.StandardError.ReadToEndAsync());
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                await Task.Delay(200);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("postgres did not listen within 30 s");
    }

    /// <summary>Fast shutdown (SIGINT to the postmaster, by PID), then waits for it.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind harms nothing.
        }
    }

    private string Data => Path.Combine(_dir, "data");

    private static string? FindBin()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "postgres")))
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task InitAsync()
    {
        if (IsRoot)
        {
            using var chown = Process.Start("chown", ["-R", "postgres:postgres", _dir]);
            await chown.WaitForExitAsync();
        }

        using var init = Run("initdb", "-D", Data, "-U", "vigil", "-A", "trust", "--no-sync", "-E", "UTF8");
        var error = init.StandardError.ReadToEndAsync();
        await init.StandardOutput.ReadToEndAsync();
        await init.WaitForExitAsync();
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException("initdb failed: " + await error);
        }
    }

    private Process Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (IsRoot)
        {
            info.FileName = "setpriv";
            foreach (var a in (string[])["--reuid=postgres", "--regid=postgres", "--init-groups", "--"])
            {
                info.ArgumentList.Add(a);
            }

            info.ArgumentList.Add(Path.Combine(_bin, tool));
        }
        else
        {
            info.FileName = Path.Combine(_bin, tool);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }
}
