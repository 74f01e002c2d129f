using System.Globalization;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Tsdb;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.IntegrationTests.Tsdb;

/// <summary>
/// <c>vigil tsdb dump</c> prints what Prometheus 2.42's <c>promtool tsdb dump</c> prints for the same blocks, byte for
/// byte: values through Go's %g (exponents, -0, NaN, infinities, stale markers), label values through Go's quoting,
/// series merged across blocks and sorted, the same selector and time bounds.
/// </summary>
public sealed class PromtoolDumpTests
{
    private const long Step = 15_000;
    private const long TwoHours = 2 * 3_600_000;

    /// <summary>promtool refuses vigil-decimal chunks (Vigil's storage default), so these blocks are XOR.</summary>
    private static readonly BlockWriteOptions XorOnly = new() { Encoding = ChunkEncoding.Xor };
    private const long Start = 1_700_000_000_000 / TwoHours * TwoHours;

    private static readonly double[] Values =
    [
        0, -0.0, 1, -2.5, 0.1, 0.30000000000000004, 100000, 123456.7, 999999, 1e6, 1234567, 1.7e9, 1e21,
        1.2345678901234568e17, 0.0001, 0.000123, 1e-5, -1.2345e-5, 1.5e300, double.MaxValue, double.Epsilon,
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, BitConverter.UInt64BitsToDouble(0x7ff0000000000002),
    ];

    private static readonly string[] LabelValues = ["plain", "q\"uote", "back\\slash", "new\nline", "\ttab", "\u0001ctl", "é😀", "nb\u00a0sp", "zw\u200bsp"];

    [PeerTheory("promtool")]
    [InlineData(null, null, null)]
    [InlineData("{v=~\"p.*|b.*|n.*\"}", null, null)]
    [InlineData("vigil_dump", Start + (400 * Step), Start + (500 * Step))]
    public async Task Vigil_prints_what_promtool_prints(string? match, long? minTime, long? maxTime)
    {
        using var dir = new TempDir("promtool-dump");
        WriteBlocks(dir.Path);
        var options = new List<string>();
        if (match is not null)
        {
            options.Add("--match=" + match);
        }

        if (minTime is long min)
        {
            options.Add("--min-time=" + min.ToString(CultureInfo.InvariantCulture));
        }

        if (maxTime is long max)
        {
            options.Add("--max-time=" + max.ToString(CultureInfo.InvariantCulture));
        }

        var (code, vigil, error) = await VigilCli.RunAsync(["tsdb", "dump", .. options, dir.Path]);
        Assert.True(code == 0, error);

        // promtool 2.42's dump opens the directory as a read-only DB, which wants a WAL directory (an empty one will do).
        dir.CreateSubdirectory("wal");
        var (promtoolCode, promtool, promtoolError) = await PromtoolBlockTests.RunAsync(["tsdb", "dump", .. options, dir.Path]);
        Assert.True(promtoolCode == 0, promtoolError);
        Assert.NotEqual(string.Empty, promtool);
        Assert.Equal(promtool, vigil);
    }

    /// <summary>Two 2-hour blocks; every series has samples in both, and each value of <see cref="Values"/> and some random ones.</summary>
    private static void WriteBlocks(string directory)
    {
        var random = new Random(42);
        using var head = new Head();
        for (int s = 0; s < LabelValues.Length; s++)
        {
            var r = head.GetOrCreate(Labels.FromPairs(("__name__", "vigil_dump"), ("v", LabelValues[s])));
            for (int n = 0; n < 600; n++)
            {
                double value = n % 2 == 0 ? Values[(n / 2 + s) % Values.Length] : BitConverter.Int64BitsToDouble(random.NextInt64());
                Assert.Equal(AppendError.None, head.Append(r, Start + (n * Step), value));
            }
        }

        Assert.NotNull(BlockWriter.Write(directory, head.ChunksInRange(Start, Start + TwoHours), Start, Start + TwoHours, XorOnly));
        Assert.NotNull(BlockWriter.Write(directory, head.ChunksInRange(Start + TwoHours, Start + (2 * TwoHours)), Start + TwoHours, Start + (2 * TwoHours), XorOnly));
    }
}
