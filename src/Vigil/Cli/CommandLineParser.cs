namespace Vigil.Cli;

/// <summary>
/// The command line is small and stable, so it is parsed by hand: every error is one line that
/// names the flag, and nothing is guessed (an unknown flag is an error, not ignored).
/// </summary>
internal static class CommandLineParser
{
    public const string Usage =
        """
        usage:
          vigil [run] [--config FILE] [--listen HOST:PORT] [--data DIR]
          vigil wal inspect [--series] DIR
          vigil --version
        run:          start Vigil (default: one instance 'default', data under ./data, listening on 127.0.0.1:9494)
        wal inspect:  print one JSON object describing a WAL directory (read-only): series and sample counts,
                      time range, segments, checkpoint, corrupt records
          --series    also list every series in "series_list": {"ref", "labels": {name: value}, "samples",
                      "last_timestamp" (ms), "last_value" ("NaN", "+Inf", "-Inf" or a number), "stale" (the last
                      sample is a stale marker), "last_live_timestamp", "last_live_value" (newest non-stale sample)}
        """;

    public static CliCommand Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return new CliCommand.Run(null, null, DefaultDataDirectory);
        }

        return args[0] switch
        {
            "--version" or "version" => Expect(new CliCommand.Version(), args, 1),
            "--help" or "-h" or "help" => new CliCommand.Help(),
            "run" => ParseRun(args, 1),
            "wal" => ParseWal(args),
            _ when args[0].StartsWith('-') => ParseRun(args, 0),
            _ => throw new UsageException($"unknown command '{args[0]}' (see vigil --help)"),
        };
    }

    private static string DefaultDataDirectory => "data";

    private static CliCommand ParseRun(IReadOnlyList<string> args, int start)
    {
        string? config = null, listen = null, data = null;
        for (var i = start; i < args.Count; i++)
        {
            var (flag, inline) = SplitFlag(args[i]);
            switch (flag)
            {
                case "--config":
                    config = Value(flag, inline, args, ref i);
                    break;
                case "--listen":
                    listen = Value(flag, inline, args, ref i);
                    ValidateListen(listen);
                    break;
                case "--data":
                    data = Value(flag, inline, args, ref i);
                    break;
                case "--help" or "-h":
                    return new CliCommand.Help();
                default:
                    throw new UsageException(flag.StartsWith('-')
                        ? $"unknown flag '{flag}' (see vigil --help)"
                        : $"unexpected argument '{flag}' (see vigil --help)");
            }
        }

        return new CliCommand.Run(config, listen, data ?? DefaultDataDirectory);
    }

    private static CliCommand ParseWal(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[1] != "inspect")
        {
            throw new UsageException("expected 'vigil wal inspect [--series] DIR'");
        }

        string? directory = null;
        bool series = false;
        for (var i = 2; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--series":
                    series = true;
                    break;
                case var flag when flag.StartsWith('-'):
                    throw new UsageException($"unknown flag '{flag}' for 'vigil wal inspect' (see vigil --help)");
                case var dir when directory is null:
                    directory = dir;
                    break;
                default:
                    throw new UsageException("'vigil wal inspect' takes exactly one WAL directory");
            }
        }

        return directory is null
            ? throw new UsageException("'vigil wal inspect' takes exactly one WAL directory")
            : new CliCommand.WalInspect(directory, series);
    }

    private static CliCommand Expect(CliCommand command, IReadOnlyList<string> args, int count)
        => args.Count == count ? command : throw new UsageException($"unexpected argument '{args[count]}' (see vigil --help)");

    private static (string Flag, string? Inline) SplitFlag(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    private static string Value(string flag, string? inline, IReadOnlyList<string> args, ref int i)
    {
        var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
        if (string.IsNullOrEmpty(value))
        {
            throw new UsageException($"{flag} needs a value");
        }

        return value;
    }

    private static void ValidateListen(string listen)
    {
        if (!ListenAddress.TryParse(listen, out _, out _))
        {
            throw new UsageException($"--listen: expected HOST:PORT (e.g. 127.0.0.1:9494), got '{listen}'");
        }
    }
}
