using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Compression;

namespace Vigil.Benchmarks.ServeTargets;

/// <summary>
/// Every target's pages, rendered and gzipped once at start-up so serving one costs a copy: the server must stay
/// cheap next to the scraper it feeds. Only the gzip bodies are kept (both scrapers ask for gzip); an identity
/// request is inflated on the fly.
/// </summary>
internal sealed class TargetPages
{
    private readonly byte[][][] _gzip;
    private readonly int[] _served;

    private TargetPages(byte[][][] gzip, long rawBytes, TimeSpan buildTime)
    {
        _gzip = gzip;
        _served = new int[gzip.Length];
        RawBytes = rawBytes;
        BuildTime = buildTime;
    }

    public int Targets => _gzip.Length;

    /// <summary>Uncompressed bytes over all targets and variants.</summary>
    public long RawBytes { get; }

    public long GzipBytes => _gzip.Sum(static v => v.Sum(static p => (long)p.Length));

    public TimeSpan BuildTime { get; }

    public static TargetPages Build(NodePageLayout layout, int targets, int variants)
    {
        var clock = Stopwatch.StartNew();
        var gzip = new byte[targets][][];
        long rawBytes = 0;
        Parallel.For(0, targets, () => new ArrayBufferWriter<byte>(256 * 1024), (target, _, text) =>
        {
            var pages = new byte[variants][];
            long raw = 0;
            for (int variant = 0; variant < variants; variant++)
            {
                text.ResetWrittenCount();
                Render(layout, target, variant, text);
                raw += text.WrittenCount;
                pages[variant] = Compress(text.WrittenSpan);
            }

            gzip[target] = pages;
            Interlocked.Add(ref rawBytes, raw);
            return text;
        }, static _ => { });
        return new TargetPages(gzip, rawBytes, clock.Elapsed);
    }

    /// <summary>
    /// The next gzip page of <paramref name="target"/>: its variants in turn, so each scrape of it sees new values
    /// whoever scrapes it.
    /// </summary>
    public byte[] Next(int target)
    {
        byte[][] variants = _gzip[target];
        uint turn = (uint)Interlocked.Increment(ref _served[target]) - 1;
        return variants[turn % (uint)variants.Length];
    }

    /// <summary>One page, uncompressed (for in-process measurements that need the body itself).</summary>
    public static byte[] RenderText(NodePageLayout layout, int target, int variant)
    {
        var text = new ArrayBufferWriter<byte>(256 * 1024);
        Render(layout, target, variant, text);
        return text.WrittenSpan.ToArray();
    }

    private static void Render(NodePageLayout layout, int target, int variant, ArrayBufferWriter<byte> output)
    {
        int series = 0;
        foreach (PageLine line in layout.Lines)
        {
            output.Write(line.Text);
            if (line.Kind is not { } kind)
            {
                continue;
            }

            double value = Value(kind, target, variant, line.Group >= 0 ? ~line.Group : series, line.Fraction);
            Span<byte> destination = output.GetSpan(32);
            if (!Utf8Formatter.TryFormat(value, destination, out int written))
            {
                throw new UnreachableException("32 bytes hold any double");
            }

            destination[written++] = (byte)'\n';
            output.Advance(written);
            series++;
        }
    }

    /// <summary>Values that look like a machine's: large counters with a per-series rate, gauges that wobble.</summary>
    private static double Value(SeriesKind kind, int target, int variant, int key, double fraction)
    {
        ulong hash = Mix(((ulong)(uint)target << 32) | (uint)key);
        double start = (hash % 100_000_000) / 10.0;
        double rate = 1 + ((hash >> 32) % 50_000) / 100.0;
        return kind switch
        {
            SeriesKind.Counter => Math.Round(start + (variant * rate), 2),
            SeriesKind.Gauge => Math.Round(start * (1 + (0.01 * ((variant * 3 + key) % 7))), 3),
            SeriesKind.Constant => hash % 1_000_000,
            _ => Math.Floor(((hash % 1_000_000) + (variant * rate)) * fraction),
        };
    }

    // SplitMix64's finalizer: spreads neighbouring targets and series over unrelated values.
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }

    private static byte[] Compress(ReadOnlySpan<byte> text)
    {
        using var compressed = new MemoryStream(text.Length / 4);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(text);
        }

        return compressed.ToArray();
    }
}
