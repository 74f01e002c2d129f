using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vigil.Tsdb.Chunks;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Tsdb;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;

namespace Vigil.IntegrationTests.Tsdb;

/// <summary>
/// Issue 5's block format against the real one, both ways: Prometheus's <c>promtool</c> lists and dumps a block
/// Vigil wrote, and Vigil reads a block <c>promtool</c> wrote. So "byte-compatible" is checked by Prometheus's own
/// reader and writer rather than by our reading of its docs.
/// </summary>
public sealed class PromtoolBlockTests
{
    private const long Step = 15_000;
    private const long Start = 1_700_000_000_000 / (2 * 3_600_000) * (2 * 3_600_000);

    [PeerFact("promtool")]
    public async Task Promtool_reads_a_block_vigil_wrote()
    {
        using var dir = new TempDir("promtool-read");
        var expected = new StringBuilder();
        using (var head = new Head())
        {
            for (int s = 0; s < 5; s++)
            {
                var labels = Labels.FromPairs(("__name__", "vigil_test"), ("job", "j" + (s % 2).ToString(CultureInfo.InvariantCulture)), ("s", s.ToString(CultureInfo.InvariantCulture)));
                var r = head.GetOrCreate(labels);
                for (int n = 0; n < 300; n++)
                {
                    double v = (s * 1000) + (n * 0.5);
                    Assert.Equal(AppendError.None, head.Append(r, Start + (n * Step), v));
                    expected.Append(CultureInfo.InvariantCulture, $"{labels} {v} {Start + (n * Step)}\n");
                }
            }

            // Two segments: promtool must follow chunk refs into the second file.
            // XOR explicitly: promtool refuses vigil-decimal chunks (Vigil's storage default).
            var options = new BlockWriteOptions { ChunkSegmentSize = 1024, Encoding = ChunkEncoding.Xor };
            var meta = BlockWriter.Write(dir.Path, head.ChunksInRange(Start, Start + (2 * 3_600_000)), Start, Start + (2 * 3_600_000), options)!;
            Assert.True(Directory.GetFiles(Path.Combine(dir.Path, meta.Ulid.ToString(), "chunks")).Length > 1);

            var (code, list, error) = await RunAsync("tsdb", "list", dir.Path);
            Assert.True(code == 0, error);
            Assert.Contains(meta.Ulid.ToString(), list, StringComparison.Ordinal);
            Assert.Contains("1500", list, StringComparison.Ordinal); // samples

            // One 300-sample chunk per series, not the head's 120-sample ones (HeadOptions.BlockSamplesPerChunk):
            // promtool's columns are ULID, min time, max time, duration, samples, chunks, series, size.
            string[] row = list.Split('\n').Single(l => l.StartsWith(meta.Ulid.ToString(), StringComparison.Ordinal))
                .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("5", row[5]);
        }

        // promtool 2.42's dump opens the directory as a read-only DB, which wants a WAL directory (an empty one will do).
        dir.CreateSubdirectory("wal");
        var (dumpCode, dump, dumpError) = await RunAsync("tsdb", "dump", dir.Path);
        Assert.True(dumpCode == 0, dumpError);
        Assert.Equal(Sorted(expected.ToString()), Sorted(dump));
    }

    [PeerFact("promtool")]
    public async Task Vigil_reads_a_block_promtool_wrote()
    {
        using var dir = new TempDir("promtool-write");
        var input = new StringBuilder("# TYPE promtool_test gauge\n");
        var expected = new List<string>();
        for (int n = 0; n < 200; n++)
        {
            for (int s = 0; s < 3; s++)
            {
                double v = (s * 100) + n;
                long seconds = (Start / 1000) + (n * 15);
                input.Append(CultureInfo.InvariantCulture, $"promtool_test{{s=\"{s}\",zone=\"é\"}} {v} {seconds}\n");
                expected.Add(string.Create(CultureInfo.InvariantCulture, $"{s} {seconds * 1000} {v}"));
            }
        }

        input.Append("# EOF\n");
        string file = Path.Combine(dir.Path, "input.om");
        await File.WriteAllTextAsync(file, input.ToString());
        string tsdb = dir.CreateSubdirectory("tsdb");
        var (code, _, error) = await RunAsync("tsdb", "create-blocks-from", "openmetrics", file, tsdb);
        Assert.True(code == 0, error);

        using var blocks = BlockDirectory.Open(tsdb);
        Assert.NotEmpty(blocks.Blocks);
        using var querier = blocks.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, LabelMatcher.Equal("__name__", "promtool_test"));
        var actual = new List<string>();
        while (set.MoveNext())
        {
            Assert.Equal("é", set.Current.Labels.Get("zone"));
            string s = set.Current.Labels.Get("s");
            var it = set.Current.Iterator();
            while (it.Next())
            {
                actual.Add(string.Create(CultureInfo.InvariantCulture, $"{s} {it.At().Timestamp} {it.At().Value}"));
            }
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Equal(["__name__", "s", "zone"], querier.LabelNames());
        Assert.Equal(["0", "1", "2"], querier.LabelValues("s"));
    }

    private static string Sorted(string lines) =>
        string.Join("\n", lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Peers.Require("promtool"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
