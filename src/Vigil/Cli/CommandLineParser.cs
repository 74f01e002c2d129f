using System.Globalization;
using Vigil.Tsdb.Tools;

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
          vigil [run] [--config FILE] [--listen HOST:PORT] [--data DIR] [--web.enable-admin-api]
          vigil wal inspect [--series] DIR
          vigil tsdb analyze [--json] [--limit N] DIR
          vigil tsdb dump [--match SELECTOR]... [--min-time MS] [--max-time MS] DIR
          vigil --version
        run:          start Vigil (default: one instance 'default', data under ./data, listening on 127.0.0.1:9494)
          --web.enable-admin-api
                      serve Prometheus's TSDB admin API: POST /api/v1/admin/tsdb/snapshot[?skip_head=true] writes
                      the blocks and the head into <data>/tsdb/snapshots/<name> (off by default, as in Prometheus)
        wal inspect:  print one JSON object describing a WAL directory (read-only): series and sample counts,
                      time range, segments, checkpoint, corrupt records
          --series    also list every series in "series_list": {"ref", "labels": {name: value}, "samples",
                      "last_timestamp" (ms), "last_value" ("NaN", "+Inf", "-Inf" or a number), "stale" (the last
                      sample is a stale marker), "last_live_timestamp", "last_live_value" (newest non-stale sample)}
        tsdb analyze: report on the blocks of a TSDB directory (<data>/tsdb): blocks, series (distinct label sets),
                      samples, chunks, oldest and newest sample, index and chunk bytes per sample; the top N metric
                      names by series, label names by distinct values and label pairs by series; and churn: series
                      that an older block holds and the newest block does not (they stopped, or their labels
                      changed), with the label pairs most of them carry
          --json      print one JSON object instead: "blocks", "series", "samples", "min_time", "max_time" (ms),
                      "bytes_per_sample", the top lists and "block_list" (docs/cli.md)
          --limit N   entries per top list (default 20)
        tsdb dump:    print every sample of the selected series, merged across blocks and sorted by labels, one line
                      each as promtool prints them: {__name__="up", job="x"} 1 1700000000000 (values as Go's %g;
                      a stale marker prints as NaN)
          --match S   series selector: metric, metric{a="b",c!="d",e=~"f.*",g!~"h"} or {a="b"}; repeat it to select
                      the series any of them selects (default: every series)
          --min-time MS, --max-time MS
                      only samples in this range (ms since the epoch, both inclusive)
        tsdb analyze and tsdb dump read the persisted blocks only: the head (the newest samples, which Vigil keeps
        in memory and rebuilds from the WALs) is not in DIR, as with promtool. They change nothing: leftover .tmp
        directories and blocks already compacted into another are skipped, not deleted, so a running Vigil's TSDB
        can be read safely.
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
            "tsdb" => ParseTsdb(args),
            _ when args[0].StartsWith('-') => ParseRun(args, 0),
            _ => throw new UsageException($"unknown command '{args[0]}' (see vigil --help)"),
        };
    }

    private static string DefaultDataDirectory => "data";

    private static CliCommand ParseRun(IReadOnlyList<string> args, int start)
    {
        string? config = null, listen = null, data = null;
        bool admin = false;
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
                case "--web.enable-admin-api" when inline is null:
                    admin = true;
                    break;
                case "--help" or "-h":
                    return new CliCommand.Help();
                default:
                    throw new UsageException(flag.StartsWith('-')
                        ? $"unknown flag '{flag}' (see vigil --help)"
                        : $"unexpected argument '{flag}' (see vigil --help)");
            }
        }

        return new CliCommand.Run(config, listen, data ?? DefaultDataDirectory, admin);
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

    private static CliCommand ParseTsdb(IReadOnlyList<string> args) => (args.Count < 2 ? "" : args[1]) switch
    {
        "analyze" => ParseTsdbAnalyze(args),
        "dump" => ParseTsdbDump(args),
        "--help" or "-h" => new CliCommand.Help(),
        _ => throw new UsageException("expected 'vigil tsdb analyze [--json] [--limit N] DIR' or 'vigil tsdb dump [--match SELECTOR]... DIR'"),
    };

    private static CliCommand ParseTsdbAnalyze(IReadOnlyList<string> args)
    {
        const string Command = "vigil tsdb analyze";
        string? directory = null;
        bool json = false;
        int limit = TsdbAnalyzer.DefaultLimit;
        for (var i = 2; i < args.Count; i++)
        {
            var (flag, inline) = SplitFlag(args[i]);
            switch (flag)
            {
                case "--json" when inline is null:
                    json = true;
                    break;
                case "--limit":
                    string value = Value(flag, inline, args, ref i);
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                    {
                        throw new UsageException($"--limit: expected a whole number of at least 1, got '{value}'");
                    }

                    break;
                case "--help" or "-h":
                    return new CliCommand.Help();
                default:
                    directory = TsdbDirectory(Command, args[i], directory);
                    break;
            }
        }

        return new CliCommand.TsdbAnalyze(directory ?? throw OneDirectory(Command), json, limit);
    }

    private static CliCommand ParseTsdbDump(IReadOnlyList<string> args)
    {
        const string Command = "vigil tsdb dump";
        string? directory = null;
        var selectors = new List<SeriesSelector>();
        long minTime = long.MinValue, maxTime = long.MaxValue;
        for (var i = 2; i < args.Count; i++)
        {
            var (flag, inline) = SplitFlag(args[i]);
            switch (flag)
            {
                case "--match":
                    selectors.Add(Selector(Value(flag, inline, args, ref i)));
                    break;
                case "--min-time":
                    minTime = Milliseconds(flag, Value(flag, inline, args, ref i));
                    break;
                case "--max-time":
                    maxTime = Milliseconds(flag, Value(flag, inline, args, ref i));
                    break;
                case "--help" or "-h":
                    return new CliCommand.Help();
                default:
                    directory = TsdbDirectory(Command, args[i], directory);
                    break;
            }
        }

        if (minTime > maxTime)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--min-time {minTime} is after --max-time {maxTime}"));
        }

        return new CliCommand.TsdbDump(directory ?? throw OneDirectory(Command), selectors, minTime, maxTime);
    }

    /// <summary>The directory argument of a tsdb command: anything that is not a flag, once.</summary>
    private static string TsdbDirectory(string command, string arg, string? directory)
    {
        if (arg.StartsWith('-'))
        {
            throw new UsageException($"unknown flag '{arg}' for '{command}' (see vigil --help)");
        }

        return directory is null ? arg : throw OneDirectory(command);
    }

    private static UsageException OneDirectory(string command) => new($"'{command}' takes exactly one TSDB directory");

    private static SeriesSelector Selector(string text)
    {
        try
        {
            return SeriesSelector.Parse(text);
        }
        catch (SelectorSyntaxException e)
        {
            // One line even when the selector spans several: the position already says where.
            throw new UsageException("--match: " + e.Message.ReplaceLineEndings(" "));
        }
    }

    private static long Milliseconds(string flag, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ms)
            ? ms
            : throw new UsageException($"{flag}: expected milliseconds since the epoch, got '{value}'");

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
