using System.Net;
using Vigil.Cli;
using Vigil.Hosting;

namespace Vigil.Tests.Cli;

/// <summary>The real executable: exit codes and one-line errors (issue 2, "The command line").</summary>
public sealed class CliProcessTests
{
    [Fact]
    public async Task Version_prints_the_version()
    {
        var (code, stdout, _) = await VigilCli.RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Equal($"vigil {VersionInfo.Version}", stdout.Trim());
    }

    [Theory]
    [InlineData("run --bogus", "vigil: unknown flag '--bogus' (see vigil --help)")]
    [InlineData("run --listen nowhere", "vigil: --listen: expected HOST:PORT (e.g. 127.0.0.1:9494), got 'nowhere'")]
    [InlineData("wal inspect /definitely/not/here", "vigil: wal inspect: no such directory '/definitely/not/here'")]
    [InlineData("tsdb analyze /definitely/not/here", "vigil: tsdb analyze: no such directory '/definitely/not/here'")]
    [InlineData("tsdb dump /definitely/not/here", "vigil: tsdb dump: no such directory '/definitely/not/here'")]
    [InlineData("tsdb dump --match up{ /tmp", "vigil: --match: 1:4: unexpected end of input, expected a label name or '}'")]
    public async Task Bad_flags_exit_2_with_one_line(string args, string expected)
    {
        var (code, stdout, stderr) = await VigilCli.RunAsync(args.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.Trim());
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public async Task Wal_inspect_series_prints_each_series_labels_and_newest_sample()
    {
        using var dir = new TempDir("cli-inspect");
        var wal = dir.Combine("wal");
        await using (var open = Wal.Wal.Open(wal, Wal.WalOptions.Default))
        {
            var labels = Wal.CanonicalLabels.Encode(("__name__", "up"), ("job", "x"));
            var batch = new Wal.WalBatch();
            lock (open.Series)
            {
                batch.AddSeries(open.Series.Add(labels), labels);
            }

            batch.AddSample(1, 1_000, 0);
            batch.AddSample(1, 2_000, 1);
            await open.CommitAsync(batch);
        }

        var root = await VigilCli.InspectWalAsync(wal, series: true);
        var entry = Assert.Single(root.GetProperty("series_list").EnumerateArray());
        Assert.Equal(
            """{"ref":1,"labels":{"__name__":"up","job":"x"},"samples":2,"last_timestamp":2000,"last_value":"1","stale":false,"last_live_timestamp":2000,"last_live_value":"1"}""",
            entry.GetRawText());
        Assert.False((await VigilCli.InspectWalAsync(wal)).TryGetProperty("series_list", out _));
    }

    [Theory]
    [InlineData("metrics:\n  configs:\n    - name: default\n      bogus: 1\n", ":4: metrics.configs[0].bogus: unknown key 'bogus'")]
    [InlineData("server:\n  http_listen_port: eighty\n", ":2: server.http_listen_port:")]
    [InlineData("metrics:\n  configs:\n    - name: a/b\n", ":3: metrics.configs[0].name:")]
    [InlineData("metrics: [unclosed\n", "vigil.yml:")]
    public async Task Bad_config_exits_2_naming_file_key_and_line(string yaml, string expected)
    {
        using var dir = new TempDir("cli");
        var path = dir.Combine("vigil.yml");
        await File.WriteAllTextAsync(path, yaml);
        var (code, _, stderr) = await VigilCli.RunAsync("run", "--config", path, "--data", dir.Combine("data"), "--listen", "127.0.0.1:0");
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith($"vigil: {path}:", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_config_file_exits_2()
    {
        var (code, _, stderr) = await VigilCli.RunAsync("run", "--config", "/no/such/vigil.yml");
        Assert.Equal(2, code);
        Assert.Contains("/no/such/vigil.yml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_locked_wal_stops_start_up_with_one_line_and_exit_1()
    {
        using var dir = new TempDir("locked");
        await using var first = await TestVigil.StartAsync(dir: dir);
        var (code, _, stderr) = await VigilCli.RunAsync("run", "--data", first.DataDirectory, "--listen", $"127.0.0.1:{FreePort.Get()}");
        Assert.Equal(1, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("vigil: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("instance default: cannot start", error, StringComparison.Ordinal);
        Assert.Contains(first.WalDirectory(), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_ready_while_an_instance_has_not_started()
    {
        using var dir = new TempDir("ready");
        await using var first = await TestVigil.StartAsync(dir: dir);
        var port = FreePort.Get();
        await using var second = VigilServer.Create(new CliCommand.Run(null, $"127.0.0.1:{port}", first.DataDirectory));
        var errors = await second.StartAsync();
        Assert.NotEmpty(errors);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var ready = await client.GetAsync("/-/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var healthy = await client.GetAsync("/-/healthy");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        using var ok = await first.Client.GetAsync("/-/ready");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
