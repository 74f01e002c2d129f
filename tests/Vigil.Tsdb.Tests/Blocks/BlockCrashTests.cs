using System.Diagnostics;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using Xunit.Abstractions;
using static Vigil.Tsdb.Tests.BlockTests.BlockKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// Issue 5's crash tests: a child process (<see cref="CrashHelper"/>) writes blocks, or compacts them, and is
/// killed with SIGKILL at a random moment. The restart must find no partial block, every block the child reported
/// durable, and every sample of every block exactly as written (each sample once, after a compaction too).
/// </summary>
public sealed class BlockCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kill_9_during_block_writes_leaves_whole_blocks_and_loses_none_reported_done()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        using var temp = new TempDirectory("crash");
        var done = new List<string>();
        var checkedBlocks = new HashSet<string>();
        for (int kill = 0; kill < 3; kill++)
        {
            // Into the first, second or third write, a few ms in: a write of this block takes 5 to 20 ms.
            var (reported, elapsed) = await RunAndKillAsync("write", temp.Path, starts: rng.Next(1, 4), rng.Next(0, 8));
            done.AddRange(reported);
            bool midWrite = Directory.GetDirectories(temp.Path, "*.tmp").Length > 0;
            output.WriteLine($"kill {kill} after {elapsed} ms: {done.Count} blocks reported in all, killed {(midWrite ? "mid-write" : "between writes")}");
            CheckEveryBlock(temp.Path, done, checkedBlocks);
        }
    }

    [Fact]
    public async Task Kill_9_during_compaction_leaves_either_the_sources_or_the_compacted_block()
    {
        int seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        for (int kill = 0; kill < 2; kill++)
        {
            using var temp = new TempDirectory("crash-compact");
            var sources = new List<string>();
            using (var blocks = BlockDirectory.Open(temp.Path))
            {
                for (int range = 0; range < 3; range++)
                {
                    using var head = CrashHelper.Fill(range);
                    sources.Add(blocks.WriteBlock(head.ChunksInRange(range * CrashHelper.Range, (range + 1) * CrashHelper.Range), range * CrashHelper.Range, (range + 1) * CrashHelper.Range)!.Ulid.ToString());
                }
            }

            var (compacted, elapsed) = await RunAndKillAsync("compact", temp.Path, starts: 1, rng.Next(0, 150));
            output.WriteLine($"kill {kill} after {elapsed} ms: compaction {(compacted.Count > 0 ? "reported done" : "not reported")}");
            var survivors = CheckEveryBlock(temp.Path, compacted, []);
            Assert.Equal((0, 3 * CrashHelper.Range), (survivors[0].MinTime, survivors[^1].MaxTime));
            var ulids = survivors.Select(m => m.Ulid.ToString()).ToList();
            Assert.True(ulids.SequenceEqual(sources) || (ulids.Count == 1 && !sources.Contains(ulids[0])), $"after the kill: {string.Join(", ", ulids)}");
        }
    }

    /// <summary>
    /// Starts the helper, waits until it has started <paramref name="starts"/> writes or compactions, kills it
    /// <paramref name="delayMs"/> later; returns the ULIDs it reported durable, and when the kill came, in
    /// milliseconds after that start (timers run late on a busy machine).
    /// </summary>
    private static async Task<(List<string> Done, long ElapsedMs)> RunAndKillAsync(string verb, string directory, int starts, int delayMs)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "exec", typeof(CrashHelper).Assembly.Location, CrashHelper.Command, verb, directory })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var done = new List<string>();
        var ready = new TaskCompletionSource();
        int started = 0;
        process.OutputDataReceived += (_, e) =>
        {
            lock (done)
            {
                if (e.Data == "start" && ++started == starts)
                {
                    ready.TrySetResult();
                }
                else if (e.Data?.StartsWith("done ", StringComparison.Ordinal) == true)
                {
                    done.Add(e.Data[5..]);
                }
            }
        };
        var stderr = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        if (await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30))) != ready.Task)
        {
            process.Kill();
            Assert.Fail($"the crash helper did not start: {await stderr}");
        }

        var clock = Stopwatch.StartNew();
        await Task.Delay(delayMs);
        process.Kill(); // SIGKILL: no finally blocks, no flushes
        long elapsed = clock.ElapsedMilliseconds;
        await process.WaitForExitAsync();
        lock (done)
        {
            return ([.. done], elapsed);
        }
    }

    /// <summary>
    /// Opens the directory as a restart would, and checks that nothing temporary is left, that every reported block
    /// is there, and that every block not checked before holds exactly the data of its range(s). Returns the metas
    /// of the blocks, in time order.
    /// </summary>
    private static List<BlockMeta> CheckEveryBlock(string directory, List<string> reported, HashSet<string> checkedBefore)
    {
        using var blocks = BlockDirectory.Open(directory);
        Assert.Empty(Directory.GetDirectories(directory, "*.tmp*"));
        var present = blocks.Blocks.Select(b => b.Ulid.ToString()).ToList();
        Assert.All(reported, ulid => Assert.Contains(ulid, present));
        foreach (var block in blocks.Blocks.Where(b => checkedBefore.Add(b.Ulid.ToString())))
        {
            using var querier = block.Querier();
            int first = (int)(block.Meta.MinTime / CrashHelper.Range), last = (int)(block.Meta.MaxTime / CrashHelper.Range);
            var expected = new List<(Labels Labels, List<(long T, ulong Bits)> Samples)>();
            for (int range = first; range < last; range++)
            {
                using var head = CrashHelper.Fill(range);
                using var headQuerier = head.Querier();
                expected.AddRange(Read(headQuerier, long.MinValue, long.MaxValue));
            }

            expected.Sort((a, b) => Labels.Compare(a.Labels, b.Labels));
            Assert.True(Same(expected, Read(querier, long.MinValue, long.MaxValue)), $"{block} does not hold what was written");
        }

        for (int i = 1; i < blocks.Blocks.Count; i++)
        {
            Assert.True(blocks.Blocks[i].Meta.MinTime >= blocks.Blocks[i - 1].Meta.MaxTime, "blocks overlap: a sample would be doubled");
        }

        return blocks.Blocks.Select(b => b.Meta).ToList();
    }
}
