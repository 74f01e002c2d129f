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
