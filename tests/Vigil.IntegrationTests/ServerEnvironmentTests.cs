using Vigil.IntegrationTests.Infrastructure;
using Vigil.RemoteWrite.Codec;

namespace Vigil.IntegrationTests;

/// <summary>
/// `vigil run` re-executes itself once with the runtime settings .NET reads only from the environment (issue 5:
/// the GC's gen0 budget), keeping its PID, arguments and environment, and leaves a value the operator set alone.
/// </summary>
public sealed class ServerEnvironmentTests
{
    [Fact]
    public async Task The_server_runs_with_a_2_MiB_gen0_budget_under_the_pid_it_was_started_with()
    {
        using var dir = new TempDir("server-env");
        string data = dir.CreateSubdirectory("da ta"); // an argument with a space survives the re-execution
        await using var vigil = await VigilPeer.StartAsync(data, dir.Path, environment: new Dictionary<string, string> { ["VIGIL_TEST_MARKER"] = "kept" });

        var environment = await ProcessEnvironmentAsync(vigil.Process.Pid);
        Assert.Equal("0x200000", environment.GetValueOrDefault("DOTNET_GCgen0size"));
        Assert.Equal("kept", environment.GetValueOrDefault("VIGIL_TEST_MARKER"));
        string[] argv = (await File.ReadAllTextAsync($"/proc/{vigil.Process.Pid}/cmdline")).TrimEnd('\0').Split('\0');
        Assert.Equal(["run", "--listen", $"127.0.0.1:{vigil.Port}", "--data", data], argv[^5..]);
        Assert.True(Directory.Exists(Path.Combine(data, "wal")), "the re-executed server writes where it was told");
        Assert.False(vigil.Process.HasExited, vigil.Process.Describe());
    }

    [Fact]
    public async Task Diagnostics_tools_can_still_attach_after_the_re_execution()
    {
        using var dir = new TempDir("server-env-diag");
        await using var vigil = await VigilPeer.StartAsync(dir.CreateSubdirectory("data"), dir.Path);

        // dotnet-trace and dotnet-counters connect to this socket; the first runtime's path must not block the second's.
        string[] sockets = Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{vigil.Process.Pid}-*-socket");
        Assert.Single(sockets);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(sockets[0]), timeout.Token);
        Assert.True(socket.Connected);
    }

    [Fact]
    public async Task A_gen0_budget_the_operator_set_is_kept()
    {
        using var dir = new TempDir("server-env-set");
        await using var vigil = await VigilPeer.StartAsync(dir.CreateSubdirectory("data"), dir.Path, environment: new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000" });

        var environment = await ProcessEnvironmentAsync(vigil.Process.Pid);
        Assert.Equal("0x400000", environment.GetValueOrDefault("DOTNET_GCgen0size"));
        Assert.Equal("Vigil is Ready.", (await vigil.Client.GetStringAsync("/-/ready")).TrimEnd());
    }

    [Fact]
    public async Task A_server_that_speaks_no_tls_never_loads_openssl()
    {
        // libcrypto, libssl and .NET's OpenSSL shim were ~6 MiB of RSS (issue 5: at most 1.5 KiB per series at 100k),
        // loaded at start only to SHA-256 the config fingerprints. Only TLS peers and keyed hashes need them.
        using var dir = new TempDir("server-env-openssl");
        await using var vigil = await VigilPeer.StartAsync(dir.CreateSubdirectory("data"), dir.Path);
        using (var push = await vigil.Client.PostAsync("/api/v1/write", Payloads.Content(Payloads.V1([new WriteSeries([("__name__", "tls_free"), ("job", "t")], [(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1)])]))))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, push.StatusCode);
        }

        await vigil.WaitForHeadSamplesAsync(1);
        Assert.Contains("tls_free", await vigil.Client.GetStringAsync("/api/v1/query?query=tls_free"), StringComparison.Ordinal);
        Assert.Contains("vigil_", await vigil.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);

        var maps = await File.ReadAllLinesAsync($"/proc/{vigil.Process.Pid}/maps");
        Assert.True(maps.Length > 0, "no maps for the server");
        Assert.Empty(maps.Where(line => line.Contains("libcrypto", StringComparison.Ordinal) || line.Contains("libssl", StringComparison.Ordinal) || line.Contains("Native.OpenSsl", StringComparison.Ordinal)).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).Distinct());
    }

    /// <summary>What /proc says the process's environment is: after an execve, the one it was given.</summary>
    private static async Task<Dictionary<string, string>> ProcessEnvironmentAsync(int pid)
    {
        var pairs = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                environment[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return environment;
    }
}
