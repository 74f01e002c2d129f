using System.Globalization;
using BenchmarkDotNet.Attributes;
using Vigil.PromQL.Engine;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.Benchmarks.PromQL;

/// <summary>
/// The dashboard query of issue 6's benchmark, <c>sum by (job) (rate(x[5m]))</c>, as a range query over 10,000
/// counters in a head (a sample every 15 s, 10 jobs), at a 60 s step over the whole data. <see cref="Hours"/>
/// scales the samples read (240 per series per hour) and the steps; Allocated should grow with the steps' output
/// (one value per job per step) and the series (labels, one rented buffer each), not with the samples.
/// </summary>
[MemoryDiagnoser]
public class RangeQueryBenchmarks
{
    private const int SeriesCount = 10_000;
    private const long ScrapeInterval = 15_000;

    private Head _head = null!;
    private QueryEngine _engine = null!;

    [Params(1, 4)]
    public int Hours { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _head = new Head();
        _engine = new QueryEngine();
        var appender = _head.Appender();
        var refs = new SeriesRef[SeriesCount];
        var labels = new Labels[SeriesCount];
        for (int i = 0; i < SeriesCount; i++)
        {
            string id = i.ToString(CultureInfo.InvariantCulture);
            labels[i] = Labels.FromPairs(("__name__", "x"), ("instance", "host-" + id), ("job", "job-" + (i % 10).ToString(CultureInfo.InvariantCulture)));
        }

        for (long t = 0; t <= Hours * 3_600_000L; t += ScrapeInterval)
        {
            for (int i = 0; i < SeriesCount; i++)
            {
                refs[i] = appender.Append(refs[i], labels[i], t, (t / 1000) * (1 + (i % 7))).ThrowIfFailed();
            }

            if (t % 600_000 == 0)
            {
                appender.CommitAsync().GetAwaiter().GetResult();
            }
        }

        appender.CommitAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _head.Dispose();

    [Benchmark]
    public int SumByJobOfRate()
    {
        var result = _engine.RangeQuery(_head, "sum by (job) (rate(x[5m]))", 0, Hours * 3_600_000L, 60_000, CancellationToken.None);
        return ((MatrixValue)result.Value).Series.Count;
    }
}
