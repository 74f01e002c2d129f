using Vigil.Cli;

namespace Vigil.Tests.Cli;

public sealed class CommandLineParserTests
{
    [Fact]
    public void No_arguments_runs_with_embedded_defaults()
    {
        var run = Assert.IsType<CliCommand.Run>(CommandLineParser.Parse([]));
        Assert.Null(run.ConfigFile);
        Assert.Null(run.Listen);
        Assert.Equal("data", run.DataDirectory);
    }

    [Theory]
    [InlineData(new[] { "run", "--config", "a.yml", "--listen", "127.0.0.1:9000", "--data", "/tmp/d" }, "a.yml", "127.0.0.1:9000", "/tmp/d")]
    [InlineData(new[] { "run", "--config=a.yml", "--listen=[::1]:9000" }, "a.yml", "[::1]:9000", "data")]
    [InlineData(new[] { "--data", "x" }, null, null, "x")]
    [InlineData(new[] { "run" }, null, null, "data")]
    public void Run_flags_are_parsed(string[] args, string? config, string? listen, string data)
    {
        var run = Assert.IsType<CliCommand.Run>(CommandLineParser.Parse(args));
        Assert.Equal(config, run.ConfigFile);
        Assert.Equal(listen, run.Listen);
        Assert.Equal(data, run.DataDirectory);
    }

    [Theory]
    [InlineData(new[] { "run", "--bogus" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "run", "--config" }, "--config needs a value")]
    [InlineData(new[] { "run", "--listen", "nonsense" }, "--listen: expected HOST:PORT")]
    [InlineData(new[] { "run", "--listen", "127.0.0.1:99999" }, "--listen: expected HOST:PORT")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "wal" }, "expected 'vigil wal inspect [--series] DIR'")]
    [InlineData(new[] { "wal", "inspect" }, "exactly one WAL directory")]
    [InlineData(new[] { "wal", "inspect", "--series" }, "exactly one WAL directory")]
    [InlineData(new[] { "wal", "inspect", "/a", "/b" }, "exactly one WAL directory")]
    [InlineData(new[] { "wal", "inspect", "/a", "--serie" }, "unknown flag '--serie' for 'vigil wal inspect'")]
    [InlineData(new[] { "wal", "inspect", "--series=true", "/a" }, "unknown flag '--series=true'")]
    [InlineData(new[] { "tsdb" }, "expected 'vigil tsdb analyze [--json] [--limit N] DIR' or 'vigil tsdb dump [--match SELECTOR]... DIR'")]
    [InlineData(new[] { "tsdb", "inspect", "/d" }, "expected 'vigil tsdb analyze")]
    [InlineData(new[] { "tsdb", "analyze" }, "'vigil tsdb analyze' takes exactly one TSDB directory")]
    [InlineData(new[] { "tsdb", "analyze", "--json" }, "'vigil tsdb analyze' takes exactly one TSDB directory")]
    [InlineData(new[] { "tsdb", "analyze", "/a", "/b" }, "'vigil tsdb analyze' takes exactly one TSDB directory")]
    [InlineData(new[] { "tsdb", "analyze", "/a", "--jsn" }, "unknown flag '--jsn' for 'vigil tsdb analyze'")]
    [InlineData(new[] { "tsdb", "analyze", "--json=true", "/a" }, "unknown flag '--json=true' for 'vigil tsdb analyze'")]
    [InlineData(new[] { "tsdb", "analyze", "/a", "--limit" }, "--limit needs a value")]
    [InlineData(new[] { "tsdb", "analyze", "/a", "--limit", "0" }, "--limit: expected a whole number of at least 1, got '0'")]
    [InlineData(new[] { "tsdb", "analyze", "/a", "--limit=-3" }, "--limit: expected a whole number of at least 1, got '-3'")]
    [InlineData(new[] { "tsdb", "analyze", "/a", "--limit", "ten" }, "--limit: expected a whole number of at least 1, got 'ten'")]
    [InlineData(new[] { "tsdb", "dump" }, "'vigil tsdb dump' takes exactly one TSDB directory")]
    [InlineData(new[] { "tsdb", "dump", "/a", "/b" }, "'vigil tsdb dump' takes exactly one TSDB directory")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--json" }, "unknown flag '--json' for 'vigil tsdb dump'")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--match" }, "--match needs a value")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--match", "up{job!\"x\"}" }, "--match: 1:7: unexpected character '!'")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--match", "{a=\"\"}" }, "--match: 1:1: vector selector must contain at least one non-empty matcher")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--match", "{\n a=\"x\"\n b=\"y\"}" }, "--match: 3:2: unexpected character 'b', expected ',' or '}'")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--min-time", "yesterday" }, "--min-time: expected milliseconds since the epoch, got 'yesterday'")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--max-time=1.5" }, "--max-time: expected milliseconds since the epoch, got '1.5'")]
    [InlineData(new[] { "tsdb", "dump", "/a", "--min-time", "5", "--max-time", "3" }, "--min-time 5 is after --max-time 3")]
    [InlineData(new[] { "run", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--version", "x" }, "unexpected argument 'x'")]
    public void Bad_command_lines_name_the_problem(string[] args, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(args));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Other_commands()
    {
        Assert.IsType<CliCommand.Version>(CommandLineParser.Parse(["--version"]));
        Assert.IsType<CliCommand.Help>(CommandLineParser.Parse(["--help"]));
        Assert.Equal(new CliCommand.WalInspect("/w", Series: false), CommandLineParser.Parse(["wal", "inspect", "/w"]));
    }

    [Theory]
    [InlineData(new[] { "wal", "inspect", "--series", "/w" }, "/w")]
    [InlineData(new[] { "wal", "inspect", "w", "--series" }, "w")]
    [InlineData(new[] { "wal", "inspect", "--series", "/w", "--series" }, "/w")]
    public void Wal_inspect_series_flag_goes_before_or_after_the_directory(string[] args, string directory) =>
        Assert.Equal(new CliCommand.WalInspect(directory, Series: true), CommandLineParser.Parse(args));

    [Theory]
    [InlineData(new[] { "tsdb", "analyze", "/t" }, "/t", false, 20)]
    [InlineData(new[] { "tsdb", "analyze", "--json", "/t" }, "/t", true, 20)]
    [InlineData(new[] { "tsdb", "analyze", "t", "--limit", "5", "--json" }, "t", true, 5)]
    [InlineData(new[] { "tsdb", "analyze", "--limit=7", "t" }, "t", false, 7)]
    public void Tsdb_analyze_flags_go_before_or_after_the_directory(string[] args, string directory, bool json, int limit) =>
        Assert.Equal(new CliCommand.TsdbAnalyze(directory, json, limit), CommandLineParser.Parse(args));

    [Fact]
    public void Tsdb_dump_takes_repeated_selectors_and_a_time_range()
    {
        var dump = Assert.IsType<CliCommand.TsdbDump>(CommandLineParser.Parse(
            ["tsdb", "dump", "--match", "up{job=\"x\"}", "/t", "--match={code=~\"5..\"}", "--min-time", "-5", "--max-time=1700000000000"]));
        Assert.Equal("/t", dump.Directory);
        Assert.Equal(["{__name__=\"up\", job=\"x\"}", "{code=~\"5..\"}"], dump.Selectors.Select(s => s.ToString()));
        Assert.Equal((-5L, 1_700_000_000_000L), (dump.MinTime, dump.MaxTime));

        var all = Assert.IsType<CliCommand.TsdbDump>(CommandLineParser.Parse(["tsdb", "dump", "/t"]));
        Assert.Empty(all.Selectors);
        Assert.Equal((long.MinValue, long.MaxValue), (all.MinTime, all.MaxTime));
    }

    [Theory]
    [InlineData("tsdb", "--help")]
    [InlineData("tsdb", "analyze", "--help")]
    [InlineData("tsdb", "dump", "/t", "-h")]
    public void Tsdb_help(params string[] args) => Assert.IsType<CliCommand.Help>(CommandLineParser.Parse(args));

    [Fact]
    public void Usage_names_every_command() =>
        Assert.All(["vigil wal inspect", "vigil tsdb analyze", "vigil tsdb dump", "persisted blocks only"], c => Assert.Contains(c, CommandLineParser.Usage, StringComparison.Ordinal));

    [Theory]
    [InlineData("127.0.0.1:9494", "127.0.0.1", 9494)]
    [InlineData("[::1]:80", "::1", 80)]
    [InlineData(":9494", "0.0.0.0", 9494)]
    [InlineData("localhost:1", "localhost", 1)]
    public void Listen_addresses(string text, string host, int port)
    {
        Assert.True(ListenAddress.TryParse(text, out var h, out var p));
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }
}
