using System.Diagnostics;

namespace Vigil.TestSupport;

/// <summary>Runs the real <c>vigil</c> executable (built next to the tests) as a child process.</summary>
internal static class VigilCli
{
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "vigil");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Runs to completion (60 s at most) and returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vigil {string.Join(' ', args)} did not exit within 60 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary><c>vigil wal inspect DIR</c> (with <c>--series</c> when <paramref name="series"/>), parsed.</summary>
    public static async Task<System.Text.Json.JsonElement> InspectWalAsync(string directory, bool series = false)
    {
        var (code, stdout, stderr) = series
            ? await RunAsync("wal", "inspect", "--series", directory)
            : await RunAsync("wal", "inspect", directory);
        if (code != 0)
        {
            throw new InvalidOperationException($"vigil wal inspect exited {code}: {stderr}");
        }

        return System.Text.Json.JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
