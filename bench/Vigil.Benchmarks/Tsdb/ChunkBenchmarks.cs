using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Vigil.Tsdb.Chunks;

namespace Vigil.Benchmarks.Tsdb;

/// <summary>
/// XOR chunk encoding (issue 5's hot-path standard: no allocation per sample). Each invocation appends or reads a
/// whole head chunk of 120 samples, and OperationsPerInvoke makes Mean and Allocated per sample. The chunk and the
/// iterator are reused, as the head reuses them, so Allocated should read 0 B. The B/sample column is the
/// encoded chunk size (header included) divided by 120.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ChunkBenchmarksConfig))]
public class ChunkBenchmarks
{
    private const int Samples = XorChunk.DefaultSamplesPerChunk;

    private readonly XorIterator _iterator = new();
    private long[] _timestamps = [];
    private double[] _values = [];
    private XorChunk _appendTarget = null!;
    private XorChunk _full = null!;

    /// <summary>
    /// counter: +0..1000 per 15 s scrape, ±3 ms jitter, sometimes flat; gauge: a random walk at 2 decimals, 15 s ±3 ms;
    /// constant: <c>up</c>, exactly every 15 s (the best case).
    /// </summary>
    [Params("counter", "gauge", "constant")]
    public string Series { get; set; } = "counter";

    [GlobalSetup]
    public void Setup()
    {
        (_timestamps, _values) = Generate(Series);
        _appendTarget = new XorChunk();
        _full = new XorChunk();
        for (int i = 0; i < Samples; i++)
        {
            _full.Append(_timestamps[i], _values[i]);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _appendTarget.Dispose();
        _full.Dispose();
    }

    /// <summary>Resets one chunk and appends a full head chunk.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public int Append()
    {
        var chunk = _appendTarget;
        chunk.Reset();
        for (int i = 0; i < _timestamps.Length; i++)
        {
            chunk.Append(_timestamps[i], _values[i]);
        }

        return chunk.BitLength;
    }

    /// <summary>Decodes every sample of a full chunk with a reused iterator.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public double Iterate()
    {
        var it = _full.Iterator(_iterator);
        double sum = 0;
        while (it.Next())
        {
            var (t, v) = it.At();
            sum += v + t;
        }

        return sum;
    }

    internal static (long[] Timestamps, double[] Values) Generate(string series, int samples = Samples)
    {
        var rng = new Random(5); // fixed: every run measures the same data
        var timestamps = new long[samples];
        var values = new double[samples];
        long t = 1_700_000_000_000;
        double v = series == "gauge" ? 21.5 : 0;
        for (int i = 0; i < samples; i++)
        {
            switch (series)
            {
                case "counter":
                    t += 15_000 + rng.Next(-3, 4);
                    v += rng.Next(4) == 0 ? 0 : rng.Next(1, 1000);
                    break;
                case "gauge":
                    t += 15_000 + rng.Next(-3, 4);
                    v = Math.Round(v + ((rng.NextDouble() - 0.5) * 2), 2);
                    break;
                default:
                    t += 15_000;
                    v = 1;
                    break;
            }

            (timestamps[i], values[i]) = (t, v);
        }

        return (timestamps, values);
    }
}

/// <summary>Adds the B/sample column.</summary>
public sealed class ChunkBenchmarksConfig : ManualConfig
{
    public ChunkBenchmarksConfig() => AddColumn(new BytesPerSampleColumn());

    private sealed class BytesPerSampleColumn : IColumn
    {
        public string Id => nameof(BytesPerSampleColumn);

        public string ColumnName => "B/sample";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Size;

        public string Legend => "Encoded chunk bytes (header included) per sample, for 120 samples";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var series = (string)benchmarkCase.Parameters["Series"];
            var (timestamps, values) = ChunkBenchmarks.Generate(series);
            using var chunk = new XorChunk();
            for (int i = 0; i < timestamps.Length; i++)
            {
                chunk.Append(timestamps[i], values[i]);
            }

            return (chunk.Bytes.Length / (double)timestamps.Length).ToString("F2", CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
