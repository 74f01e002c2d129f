using System.Diagnostics;
using System.Globalization;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.Benchmarks.TsdbLoad;

/// <summary>
/// <c>Vigil.Benchmarks head-memory [--series N] [--rounds N] [--chunk-dir DIR]</c>: the managed heap the TSDB head
/// alone keeps for tsdb.sh's data (no receiver, no WAL), after a full collection, per series; and the process RSS.
/// Tells the head's share of tsdb.sh's "RSS per active series" apart from the rest of the process.
/// </summary>
internal static class HeadMemoryCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int series = 100_000, rounds = 480;
        string? chunkDir = null;
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--series": series = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--chunk-dir": chunkDir = args[i + 1]; break;
                default: throw new ArgumentException($"unknown flag '{args[i]}'");
            }
        }

        var history = NodeHistory.Create(series, 1000);
        var labels = Enumerable.Range(0, series).Select(i => DecodeLabels(history.Labels[i])).ToArray();
        long baseline = Collect();
        using var head = new Head(new HeadOptions { ChunkDirectory = chunkDir });
        var refs = labels.Select(head.GetOrCreate).ToArray();
        long afterSeries = Collect();
        long t0 = 1_700_000_000_000;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < series; i++)
            {
                head.Append(refs[i], t0 + (r * 15_000L), history.Next(i, r));
            }
        }

        long afterSamples = Collect();
        Console.WriteLine(FormattableString.Invariant(
            $"head of {series} series x {rounds} samples, chunks {(chunkDir is null ? "on the heap" : "in " + chunkDir)}: series+index {(afterSeries - baseline) / (double)series:F0} B/series, with samples {(afterSamples - baseline) / (double)series:F0} B/series (managed heap after a full GC); process RSS {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:F0} MiB"));
        GC.KeepAlive(labels);
        return Task.FromResult(0);
    }

    private static long Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The labels of one encoded TimeSeries.labels run (Label{name = 1, value = 2}, each length-delimited).</summary>
    private static Labels DecodeLabels(byte[] encoded)
    {
        var pairs = new List<(string, string)>();
        int pos = 0;
        while (pos < encoded.Length)
        {
            pos++; // field 1, wire type 2
            int len = encoded[pos++];
            int end = pos + len;
            string name = Field(encoded, ref pos), value = Field(encoded, ref pos);
            pairs.Add((string.Intern(name), string.Intern(value)));
            pos = end;
        }

        return Labels.FromPairs(pairs.ToArray());
    }

    private static string Field(byte[] encoded, ref int pos)
    {
        pos++;
        int len = encoded[pos++];
        string s = System.Text.Encoding.UTF8.GetString(encoded, pos, len);
        pos += len;
        return s;
    }
}
