using System.Globalization;
using System.Text.Json;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.Tests.Cli;

/// <summary>
/// Issue 5's tools through the real executable: <c>vigil tsdb analyze</c> and <c>vigil tsdb dump</c> on blocks that
/// LocalStorage cut from its head, leaving the directory exactly as it was.
/// </summary>
public sealed class TsdbCliTests
{
    private const long Range = 60_000;
    private const long Start = 1_700_000_000_000 / Range * Range;

    [Fact]
    public async Task Analyze_and_dump_read_the_blocks_and_change_nothing()
    {
        using var dir = new TempDir("cli-tsdb");
        string tsdb = dir.Combine("tsdb");
        using (var storage = new LocalStorage(new LocalStorageOptions(tsdb, 0) { ChunkRangeMs = Range }))
        {
            // Instance 1 every 5 s for 295 s; instance 2 stops after 100 s, so the newest block lacks it (churn).
            Append(storage, "1", 60);
            Append(storage, "2", 21);
            await storage.MaintainAsync();
            Assert.Equal(4, storage.Blocks.Blocks.Count); // [0, 240 s); the rest stays in the head, which is not in DIR
        }

        Directory.CreateDirectory(Path.Combine(tsdb, "x.tmp"));
        var before = Snapshot(tsdb);

        var (code, stdout, stderr) = await VigilCli.RunAsync("tsdb", "analyze", "--json", tsdb);
        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        long samples = 48 + 21;
        Assert.Equal(4, json.GetProperty("blocks").GetInt32());
        Assert.Equal(2, json.GetProperty("series").GetInt32());
        Assert.Equal(samples, json.GetProperty("samples").GetInt64());
        Assert.Equal(Start, json.GetProperty("min_time").GetInt64());
        Assert.Equal(Start + 235_000, json.GetProperty("max_time").GetInt64());
        Assert.Equal(BlockBytes(tsdb), json.GetProperty("bytes").GetInt64());
        Assert.Equal((double)BlockBytes(tsdb) / samples, json.GetProperty("bytes_per_sample").GetDouble());
        Assert.Equal(1, json.GetProperty("churned_series").GetInt32());
        Assert.Equal("""[{"name":"up","series":2}]""", json.GetProperty("top_metric_names").GetRawText());
        Assert.Equal(Path.Combine(tsdb, "x.tmp"), json.GetProperty("skipped")[0].GetProperty("directory").GetString());

        (code, stdout, stderr) = await VigilCli.RunAsync("tsdb", "analyze", tsdb);
        Assert.True(code == 0, stderr);
        Assert.Contains("\nSeries: 2\n", stdout, StringComparison.Ordinal);
        Assert.Contains("\nLabel pairs most involved in churning (series in an older block, not in the newest):\n  1  __name__=\"up\"\n", stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = await VigilCli.RunAsync("tsdb", "dump", "--match", "up{instance=\"2\"}", "--match", "{instance=\"3\"}", "--max-time", (Start + 10_000).ToString(CultureInfo.InvariantCulture), tsdb);
        Assert.True(code == 0, stderr);
        Assert.Equal(
            $"{{__name__=\"up\", instance=\"2\", job=\"a\"}} 0 {Start}\n" +
            $"{{__name__=\"up\", instance=\"2\", job=\"a\"}} 0.25 {Start + 5_000}\n" +
            $"{{__name__=\"up\", instance=\"2\", job=\"a\"}} 0.5 {Start + 10_000}\n",
            stdout);

        (code, stdout, _) = await VigilCli.RunAsync("tsdb", "dump", tsdb);
        Assert.Equal(0, code);
        Assert.Equal(samples, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        Assert.Equal(before, Snapshot(tsdb));
    }

    [Fact]
    public async Task An_empty_directory_is_all_zeros_and_the_data_directory_gets_a_hint()
    {
        using var dir = new TempDir("cli-tsdb");
        Directory.CreateDirectory(dir.Combine("tsdb"));
        var (code, stdout, stderr) = await VigilCli.RunAsync("tsdb", "analyze", "--json", dir.Path);
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.All(["blocks", "series", "samples", "min_time", "max_time"], key => Assert.Equal(0, json.GetProperty(key).GetInt64()));
        Assert.Equal(0.0, json.GetProperty("bytes_per_sample").GetDouble());
        Assert.Equal($"vigil: tsdb analyze: no blocks in '{dir.Path}'; the TSDB directory is '{dir.Combine("tsdb")}'", stderr.Trim());

        (code, stdout, stderr) = await VigilCli.RunAsync("tsdb", "dump", dir.Combine("tsdb"));
        Assert.Equal((0, "", ""), (code, stdout, stderr));
    }

    [Fact]
    public async Task A_corrupt_block_exits_1_with_one_line_naming_the_file()
    {
        using var dir = new TempDir("cli-tsdb");
        string block = dir.CreateSubdirectory("01HZZZZZZZZZZZZZZZZZZZZZZZ");
        await File.WriteAllTextAsync(Path.Combine(block, "meta.json"), "{not json");
        foreach (string command in new[] { "analyze", "dump" })
        {
            var (code, stdout, stderr) = await VigilCli.RunAsync("tsdb", command, dir.Path);
            Assert.Equal(1, code);
            Assert.Equal(string.Empty, stdout);
            string line = Assert.Single(stderr.Trim().Split('\n'));
            Assert.StartsWith($"vigil: tsdb {command}: corrupt block file {Path.Combine(block, "meta.json")} at offset 0: ", line, StringComparison.Ordinal);
        }
    }

    private static void Append(LocalStorage storage, string instance, int count)
    {
        var series = storage.Head.GetOrCreate(Labels.FromPairs(("__name__", "up"), ("job", "a"), ("instance", instance)));
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(AppendError.None, storage.Head.Append(series, Start + (i * 5_000L), i * 0.25));
        }
    }

    private static long BlockBytes(string tsdb) =>
        // Blocks only: chunks_head (the head's closed chunks) and leftovers have no meta.json.
        Directory.GetDirectories(tsdb).Where(d => File.Exists(Path.Combine(d, "meta.json"))).Sum(block =>
            new FileInfo(Path.Combine(block, "index")).Length + Directory.GetFiles(Path.Combine(block, "chunks")).Sum(f => new FileInfo(f).Length));

    private static List<string> Snapshot(string directory) =>
        [.. Directory.GetFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p):O}" : p + "/")];
}
