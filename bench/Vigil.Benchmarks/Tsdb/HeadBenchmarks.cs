using System.Globalization;
using BenchmarkDotNet.Attributes;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.Benchmarks.Tsdb;

/// <summary>
/// Appending to existing head series (issue 5's hot path). Each invocation adds one sample to each of 10,000
/// series, 15 s apart; OperationsPerInvoke makes Mean and Allocated per sample. Every 480 rounds (2 h of data) the
/// head is truncated to its newest hour, as block cutting would, so the run is a steady state and its figures
/// include chunk cuts and truncation. The append itself allocates nothing (HeadAllocationTests checks that
/// exactly); Allocated is the cut chunks' own copies, so it follows the encoded size of the data.
/// </summary>
[MemoryDiagnoser]
public class HeadAppendBenchmarks
{
    private const int AppendSeries = 10_000;
    private const long Step = 15_000;

    private Head _appendHead = null!;
    private SeriesRef[] _refs = [];
    private double[] _values = [];
    private double[] _increments = [];
    private long _t;
    private int _rounds;

    /// <summary>counter: grows by 1 to 999 per scrape, flat one time in eight; constant: <c>up</c> = 1, the cheapest to encode.</summary>
    [Params("counter", "constant")]
    public string Series { get; set; } = "counter";

    [GlobalSetup]
    public void SetupAppend()
    {
        var rng = new Random(5); // fixed: every run appends the same data
        _increments = Enumerable.Range(0, 1024).Select(_ => rng.Next(8) == 0 ? 0.0 : rng.Next(1, 1000)).ToArray();
        _appendHead = new Head();
        _refs = new SeriesRef[AppendSeries];
        _values = new double[AppendSeries];
        for (int i = 0; i < AppendSeries; i++)
        {
            _refs[i] = _appendHead.GetOrCreate(Labels.FromPairs(("__name__", "bench_total"), ("i", Invariant(i))));
        }

        _t = 1_700_000_000_000;
    }

    [GlobalCleanup]
    public void CleanupAppend() => _appendHead.Dispose();

    [Benchmark(OperationsPerInvoke = AppendSeries)]
    public void Append()
    {
        var head = _appendHead;
        long t = _t += Step;
        bool counter = Series == "counter";
        for (int i = 0; i < _refs.Length; i++)
        {
            double v = counter ? _values[i] += _increments[(_rounds + i) & 1023] : 1;
            if (head.Append(_refs[i], t, v) != AppendError.None)
            {
                throw new InvalidOperationException("append refused");
            }
        }

        if (++_rounds % 480 == 0)
        {
            head.TruncateBefore(t - (240 * Step));
        }
    }

    private static string Invariant(int i) => i.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Select and read over 100,000 head series of 12 samples each: <c>__name__</c> (10 values) × <c>job</c> (10) ×
/// <c>instance</c> (1,000). Each invocation is one query, and reads every sample of its result.
/// </summary>
[MemoryDiagnoser]
public class HeadSelectBenchmarks
{
    private const int SelectSeries = 100_000;
    private const long Step = 15_000;

    private Head _selectHead = null!;
    private LabelMatcher[] _literalSet = [];
    private LabelMatcher[] _regex = [];
    private ISampleIterator? _reuse;

    [GlobalSetup]
    public void SetupSelect()
    {
        _selectHead = new Head();
        string[] names = Values("metric_", 10, "D");
        string[] jobs = Values("job-", 10, "D");
        string[] instances = Values("host-", 1000, "D3");
        for (int i = 0; i < SelectSeries; i++)
        {
            var r = _selectHead.GetOrCreate(Labels.FromPairs(("__name__", names[i % 10]), ("job", jobs[i / 10 % 10]), ("instance", instances[i / 100])));
            for (int s = 0; s < 12; s++)
            {
                _selectHead.Append(r, s * Step, s);
            }
        }

        // 2,000 series: a literal alternation takes the index's set shortcut.
        _literalSet = [LabelMatcher.Equal("__name__", "metric_3"), LabelMatcher.Regex("job", "job-1|job-2")];

        // 1,000 series: a real regex, tested against each of the 1,000 instance values.
        _regex = [LabelMatcher.Equal("__name__", "metric_3"), LabelMatcher.Regex("instance", "host-1[0-9]+")];
    }

    [GlobalCleanup]
    public void CleanupSelect() => _selectHead.Dispose();

    [Benchmark]
    public double SelectEqualAndLiteralSet() => SelectAndRead(_literalSet);

    [Benchmark]
    public double SelectEqualAndRegex() => SelectAndRead(_regex);

    private double SelectAndRead(LabelMatcher[] matchers) => TsdbBench.SelectAndRead(_selectHead, matchers, ref _reuse);

    private static string[] Values(string prefix, int count, string format) => TsdbBench.Values(prefix, count, format);
}
