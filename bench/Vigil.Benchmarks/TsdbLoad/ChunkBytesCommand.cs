using System.Globalization;
using Vigil.Tsdb.Chunks;

namespace Vigil.Benchmarks.TsdbLoad;

/// <summary>
/// <c>Vigil.Benchmarks chunk-bytes [--series N] [--rounds N] [--step-ms MS]</c>: where the bytes of tsdb.sh's data go
/// in Prometheus's XOR chunks. Encodes the <see cref="NodeHistory"/> that push-history sends and prints, per
/// <see cref="ValueModel"/>, its share of the series and its bytes per sample with chunks of 120 samples (the head's,
/// and Prometheus's blocks') and of 480 (Vigil's blocks), chunk headers included, index and CRCs not.
/// </summary>
internal static class ChunkBytesCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int series = 10_000, rounds = 480;
        long step = 15_000;
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--series": series = value; break;
                case "--rounds": rounds = value; break;
                case "--step-ms": step = value; break;
                default: throw new ArgumentException($"unknown flag '{args[i]}'");
            }
        }

        var history = NodeHistory.Create(series, 1000);
        var models = Enum.GetValues<ValueModel>();
        var count = new long[models.Length];
        var bytes120 = new long[models.Length];
        var bytes480 = new long[models.Length];
        var vigil480 = new long[models.Length];
        var best480 = new long[models.Length];
        var values = new double[rounds];
        using var chunk = new XorChunk();
        using var encoder = new VigilChunkEncoder();
        for (int i = 0; i < series; i++)
        {
            for (int r = 0; r < rounds; r++)
            {
                values[r] = history.Next(i, r);
            }

            int m = (int)history.Model(i);
            count[m]++;
            bytes120[m] += Encoded(chunk, values, step, 120);
            bytes480[m] += Encoded(chunk, values, step, 480);
            var (vigil, best) = EncodedVigil(encoder, chunk, values, step, 480);
            vigil480[m] += vigil;
            best480[m] += best;
        }

        Console.WriteLine(FormattableString.Invariant($"{series} series x {rounds} samples at {step} ms (tsdb.sh's data), chunk bytes per sample:"));
        Console.WriteLine("model          series %   XOR @120   XOR @480   vigil @480   smaller @480   share of XOR bytes @480");
        long total480 = bytes480.Sum();
        for (int m = 0; m < models.Length; m++)
        {
            if (count[m] == 0)
            {
                continue;
            }

            double samples = count[m] * (double)rounds;
            Console.WriteLine(FormattableString.Invariant(
                $"{models[m],-14} {100.0 * count[m] / series,8:F1} {bytes120[m] / samples,10:F3} {bytes480[m] / samples,10:F3} {vigil480[m] / samples,12:F3} {best480[m] / samples,14:F3} {100.0 * bytes480[m] / total480,24:F1}%"));
        }

        double all = series * (double)rounds;
        Console.WriteLine(FormattableString.Invariant(
            $"{"all",-14} {100.0,8:F1} {bytes120.Sum() / all,10:F3} {total480 / all,10:F3} {vigil480.Sum() / all,12:F3} {best480.Sum() / all,14:F3} {100.0,24:F1}%"));
        return Task.FromResult(0);
    }

    private static long Encoded(XorChunk chunk, double[] values, long step, int perChunk)
    {
        long bytes = 0;
        for (int start = 0; start < values.Length; start += perChunk)
        {
            chunk.Reset();
            for (int r = start; r < Math.Min(values.Length, start + perChunk); r++)
            {
                chunk.Append(r * step, values[r]);
            }

            bytes += chunk.Bytes.Length;
        }

        return bytes;
    }

    /// <summary>Bytes of vigil-decimal chunks, and of the smaller of vigil and XOR per chunk.</summary>
    private static (long Vigil, long Best) EncodedVigil(VigilChunkEncoder encoder, XorChunk chunk, double[] values, long step, int perChunk)
    {
        long vigil = 0, best = 0;
        Span<long> timestamps = stackalloc long[perChunk];
        Span<ulong> bits = stackalloc ulong[perChunk];
        for (int start = 0; start < values.Length; start += perChunk)
        {
            int n = Math.Min(values.Length, start + perChunk) - start;
            chunk.Reset();
            for (int i = 0; i < n; i++)
            {
                timestamps[i] = (start + i) * step;
                bits[i] = BitConverter.DoubleToUInt64Bits(values[start + i]);
                chunk.Append(timestamps[i], values[start + i]);
            }

            int size = encoder.Encode(timestamps[..n], bits[..n]).Length;
            vigil += size;
            best += Math.Min(size, chunk.Bytes.Length);
        }

        return (vigil, best);
    }
}
