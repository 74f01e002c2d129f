using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Hosting;

/// <summary>
/// Runtime settings the server wants that .NET reads only from the environment, when the runtime starts: the
/// server process re-executes itself once with them set, keeping its PID, arguments and the rest of its
/// environment (the JDK's launcher did the same for <c>LD_LIBRARY_PATH</c>). A setting the environment already
/// has is the operator's and is left alone, which also stops a second re-execution.
/// </summary>
/// <remarks>
/// The one setting is the GC's young-generation budget, <c>DOTNET_GCgen0size</c> = 2 MiB (the per-core L2 here).
/// The default is sized from the L3 cache (~16 MiB on a 32 MiB L3), and all of it stays committed. With 2 MiB,
/// 100k active series pushed for 2 h took ~10 MiB less RSS, at the same or lower CPU per sample
/// (bench/compare/tsdb.sh; docs/benchmarks.md, issue 5). The runtimeconfig property <c>System.GC.Gen0Size</c> looks
/// like the same knob, but the GC reads it from the environment only: in a runtimeconfig it changed nothing.
/// </remarks>
internal static partial class ServerEnvironment
{
    internal const string Gen0SizeVariable = "DOTNET_GCgen0size";

    /// <summary>Hex, as the runtime parses its <c>DOTNET_</c> numbers.</summary>
    internal const string Gen0Size = "0x200000";

    /// <summary>
    /// Re-executes the process with the settings it lacks; returns only when none is lacking, on a platform without
    /// <c>execve</c> and <c>/proc/self</c>, or when the re-execution failed (the reason goes to stderr, and the
    /// server runs with the runtime's defaults).
    /// </summary>
    public static void ApplyByReexecution()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Gen0SizeVariable) is not null)
        {
            return;
        }

        string?[] argv;
        try
        {
            // The exact argv the process started with (the dotnet host and the dll, or the apphost), which
            // Environment.GetCommandLineArgs does not give back for `dotnet vigil.dll`.
            string[] original = Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/cmdline")).TrimEnd('\0').Split('\0');
            argv = [.. original, null];
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"vigil: not setting {Gen0SizeVariable}: cannot read /proc/self/cmdline: {ex.Message}");
            return;
        }

        var environment = new List<string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        environment.Add($"{Gen0SizeVariable}={Gen0Size}");
        environment.Add(null);
        ReleaseDiagnosticsSocket();
        Console.Out.Flush();
        Console.Error.Flush();
        Execve("/proc/self/exe", argv, [.. environment]);
        Console.Error.WriteLine($"vigil: not setting {Gen0SizeVariable}: execve failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// The runtime listens for diagnostics tools (dotnet-trace, dotnet-counters, dotnet-dump) on
    /// <c>dotnet-diagnostic-{pid}-{start time}-socket</c> in the temp directory, and nothing removes it at an
    /// execve. The re-executed runtime, with the same PID and start time, then cannot listen on that path, and the
    /// tools are refused; removing the path first lets it.
    /// </summary>
    private static void ReleaseDiagnosticsSocket()
    {
        try
        {
            foreach (string path in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"vigil: diagnostics tools may not attach: cannot remove the runtime's diagnostics socket: {ex.Message}");
        }
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, string?[] argv, string?[] envp);
}
