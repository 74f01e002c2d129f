using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Tests.Feed;

/// <summary>
/// Issue 5, property-style: random series and samples go into an instance WAL, with blocks cut and compacted and the
/// TSDB (and the instance run) restarted at random points; what the TSDB answers afterwards, through head, blocks
/// and compacted blocks merged, is exactly what was written, bit for bit.
/// </summary>
public sealed class RestartPropertyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-restart-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Samples_survive_restarts_of_the_run_and_of_the_process_at_random_points()
    {
        int seed = TestSeed.Next();
        var random = new Random(seed);
        string walDir = Path.Combine(_root, "wal");
        var expected = new Dictionary<string, List<(long T, ulong Bits)>>(StringComparer.Ordinal);
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        string[] names = [.. Enumerable.Range(0, 12).Select(i => FormattableString.Invariant($"m{i % 3}|s{i}"))];

        var storage = NewStorage();
        for (int round = 0; round < 6; round++)
        {
            await using (var wal = Vigil.Wal.Wal.Open(walDir, new WalOptions()))
            {
                var feeder = storage.CreateFeeder("default", walDir, message => Assert.Fail(message + " " + TestSeed.Describe(seed)));
                feeder.Start();
                for (int batch = 0; batch < random.Next(1, 6); batch++)
                {
                    await WriteBatchAsync(wal, random, names, expected, next);
                }

                if (random.Next(3) == 0)
                {
                    wal.CutSegment();
                }

                // The run stops; its feeder takes the last records with it.
                await feeder.DisposeAsync();
            }

            if (random.Next(2) == 0)
            {
                await storage.MaintainAsync();
            }

            // Either the instance restarts (same TSDB, feeder resumes) or the whole process does (TSDB rebuilt from the WAL).
            if (random.Next(2) == 0)
            {
                storage.Dispose();
                storage = NewStorage();
            }
        }

        await using (var wal = Vigil.Wal.Wal.Open(walDir, new WalOptions()))
        {
            await using var feeder = storage.CreateFeeder("default", walDir, _ => { });
            feeder.Start();
            await feeder.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await storage.MaintainAsync();
        var actual = ReadAll(storage);
        int blocks = storage.Blocks.Blocks.Count;
        storage.Dispose();
        Assert.True(blocks > 0, "no block was ever cut, so the test did not cover blocks; " + TestSeed.Describe(seed));
        Assert.True(expected.Count == actual.Count, $"series: expected {expected.Count}, got {actual.Count}; {TestSeed.Describe(seed)}");
        foreach (var (key, samples) in expected)
        {
            Assert.True(
                actual.TryGetValue(key, out var got) && got.SequenceEqual(samples),
                $"series {key} differs: expected {string.Join(",", samples)}, got {string.Join(",", got ?? [])}; {TestSeed.Describe(seed)}");
        }
    }

    // One-minute blocks so a few dozen samples span several; compaction still uses Prometheus's 2 h ranges, which
    // merge these small blocks, so both block paths are exercised.
    private LocalStorage NewStorage() => new(new LocalStorageOptions(Path.Combine(_root, "tsdb"), 0) { ChunkRangeMs = 60_000 });

    private static async Task WriteBatchAsync(
        Vigil.Wal.Wal wal, Random random, string[] names, Dictionary<string, List<(long, ulong)>> expected, Dictionary<string, long> next)
    {
        // One clock for all series, as scrapes have: a block cut refuses samples behind the head's newest by half a
        // range (Prometheus's out-of-bounds rule), so a series lagging far behind the others is not what this tests.
        next["now"] = next.GetValueOrDefault("now", 1_700_000_000_000) + random.Next(1_000, 30_000);
        var seriesBatch = new WalBatch();
        var samplesBatch = new WalBatch();
        foreach (string key in names.Where(_ => random.Next(2) == 0))
        {
            var parts = key.Split('|');
            byte[] labels = CanonicalLabels.Encode(("__name__", parts[0]), ("series", parts[1]));
            ulong seriesRef;
            lock (wal.Series)
            {
                if (!wal.Series.TryGet(labels, out seriesRef))
                {
                    seriesRef = wal.Series.Add(labels);
                    seriesBatch.AddSeries(seriesRef, labels);
                }
            }

            long t = next["now"] + random.Next(0, 1_000);
            double value = random.Next(5) switch
            {
                0 => BitConverter.UInt64BitsToDouble(0x7ff0000000000002), // the stale marker
                1 => BitConverter.UInt64BitsToDouble(0x7ff8000000000000 | (ulong)random.NextInt64(1, 1L << 50)),
                2 => -0.0,
                _ => Math.Round(random.NextDouble() * 1000, random.Next(0, 4)),
            };
            samplesBatch.AddSample(seriesRef, t, value);
            (expected.TryGetValue(key, out var list) ? list : expected[key] = []).Add((t, BitConverter.DoubleToUInt64Bits(value)));
        }

        if (!seriesBatch.IsEmpty)
        {
            await wal.CommitAsync(seriesBatch);
        }

        if (!samplesBatch.IsEmpty)
        {
            await wal.CommitAsync(samplesBatch);
        }
    }

    private static Dictionary<string, List<(long, ulong)>> ReadAll(LocalStorage storage)
    {
        var result = new Dictionary<string, List<(long, ulong)>>(StringComparer.Ordinal);
        using var querier = storage.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, LabelMatcher.Regex("__name__", ".+"));
        while (set.MoveNext())
        {
            var samples = new List<(long, ulong)>();
            var iterator = set.Current.Iterator();
            while (iterator.Next())
            {
                var (t, v) = iterator.At();
                samples.Add((t, BitConverter.DoubleToUInt64Bits(v)));
            }

            result[set.Current.Labels.Get("__name__") + "|" + set.Current.Labels.Get("series")] = samples;
        }

        return result;
    }
}
