using System.Runtime.InteropServices;
using Vigil.Cli;
using Vigil.Common.Config;
using Vigil.Hosting;
using Vigil.Wal;

namespace Vigil;

internal static class Program
{
    /// <summary>Exit codes: 0 fine, 1 failed at start-up (locked WAL, port in use) or a tool could not read its data, 2 bad flag or config.</summary>
    public static async Task<int> Main(string[] args)
    {
        CliCommand command;
        try
        {
            command = CommandLineParser.Parse(args);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"vigil: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        switch (command)
        {
            case CliCommand.Version:
                Console.WriteLine($"vigil {VersionInfo.Version}");
                return 0;
            case CliCommand.Help:
                Console.WriteLine(CommandLineParser.Usage);
                return 0;
            case CliCommand.WalInspect inspect:
                return InspectWal(inspect.Directory, inspect.Series);
            case CliCommand.TsdbAnalyze analyze:
                return TsdbCommands.Analyze(analyze);
            case CliCommand.TsdbDump dump:
                return TsdbCommands.Dump(dump);
            case CliCommand.Run run:
                // Before anything else starts: a re-execution replaces the process (ServerEnvironment).
                ServerEnvironment.ApplyByReexecution();
                return await RunAsync(run).ConfigureAwait(false);
            default:
                return 2;
        }
    }

    private static int InspectWal(string directory, bool series)
    {
        if (!Directory.Exists(directory))
        {
            Console.Error.WriteLine($"vigil: wal inspect: no such directory '{directory}'");
            return 2;
        }

        // Straight to stdout: with --series the object can be many megabytes.
        using Stream stdout = Console.OpenStandardOutput();
        WalInspector.Inspect(directory, series).WriteJson(stdout);
        stdout.Write("\n"u8);
        return 0;
    }

    private static async Task<int> RunAsync(CliCommand.Run options)
    {
        VigilServer server;
        try
        {
            server = VigilServer.Create(options);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"vigil: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (server.ConfigureAwait(false))
        {
            IReadOnlyList<string> errors;
            try
            {
                errors = await server.StartAsync().ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Kestrel reports an address in use this way; one line, then stop.
                await Console.Error.WriteLineAsync($"vigil: cannot listen: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await Console.Error.WriteLineAsync($"vigil: {error}").ConfigureAwait(false);
                }

                return 1;
            }

            // SIGHUP reloads the config file, as it does for Prometheus and Grafana Agent; the reload logs its own outcome.
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(server.ReloadAsync);
            });
            await server.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
    }
}
