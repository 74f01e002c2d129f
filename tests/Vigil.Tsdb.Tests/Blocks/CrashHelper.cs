using System.Globalization;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>
/// The child process of <see cref="BlockCrashTests"/>: the test assembly run with <c>dotnet exec</c>, doing block
/// work until it is killed. It prints <c>start</c> as each block write or compaction begins (so the parent can aim
/// its kill into one) and <c>done &lt;ulid&gt;</c> once a block is durable (so the parent knows what must survive).
/// </summary>
internal static class CrashHelper
{
    public const string Command = "crash-helper";
    public const long Range = 2 * 3_600_000;
    private const int Series = 300;

    /// <summary>
    /// <c>crash-helper write DIR</c> writes the blocks of ranges 0, 1, 2, ... until killed; <c>crash-helper compact
    /// DIR</c> compacts the blocks in DIR into one, then waits to be killed.
    /// </summary>
    public static int Run(string[] args)
    {
        string verb = args[1], directory = args[2];
        using var blocks = BlockDirectory.Open(directory);
        if (verb == "write")
        {
            // After the blocks already there, so that every run adds new ranges and no two blocks overlap.
            int first = blocks.Blocks.Count == 0 ? 0 : (int)(blocks.Blocks[^1].Meta.MaxTime / Range);
            for (int range = first; ; range++)
            {
                using var head = Fill(range);
                Say("start");
                var block = blocks.WriteBlock(head.ChunksInRange(range * Range, (range + 1) * Range), range * Range, (range + 1) * Range)!;
                Say("done " + block.Ulid);
            }
        }

        Say("start");
        var compacted = new Compactor(blocks).Compact(blocks.Blocks)!;
        Say("done " + compacted.Ulid);
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private static void Say(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    /// <summary>The same head for the same range, in the child and in the parent that checks what the child wrote.</summary>
    public static Head Fill(int range)
    {
        var head = new Head();
        var rng = new Random(range);
        long start = range * Range;
        for (int s = 0; s < Series; s++)
        {
            var r = head.GetOrCreate(L("__name__", "crash_test", "range", range.ToString(CultureInfo.InvariantCulture), "s", s.ToString(CultureInfo.InvariantCulture)));
            double v = rng.Next(1000);
            for (long t = start; t < start + Range; t += 15_000)
            {
                head.Append(r, t, v += rng.Next(4));
            }
        }

        return head;
    }
}

/// <summary>The test assembly's entry point: nothing for the test host, the crash workload for <see cref="BlockCrashTests"/>.</summary>
internal static class Program
{
    public static int Main(string[] args) =>
        args.Length == 3 && args[0] == CrashHelper.Command ? CrashHelper.Run(args) : 0;
}
