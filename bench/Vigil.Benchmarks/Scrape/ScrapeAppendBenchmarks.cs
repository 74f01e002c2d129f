using BenchmarkDotNet.Attributes;
using Vigil.Instances;
using Vigil.Scrape.Config;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Benchmarks.Scrape;

/// <summary>
/// A scrape's append step in the steady state, without HTTP: parse, <see cref="ScrapeSeriesCache.Resolve"/> (every
/// series already known), the loop's duplicate and staleness bookkeeping, then the appender. The per-sample steps
/// follow ScrapeLoop.AppendSamples and AppendStaleForDisappeared (private to the loop, so repeated here). Sink
/// <c>none</c> counts samples and keeps nothing; <c>wal</c> is the instance's <see cref="WalScrapeAppender"/>
/// with its commit (WAL on tmpfs, so the figure is CPU). Allocated should be 0 B for <c>none</c>, and a per-scrape
/// constant, the same for both pages, for <c>wal</c>.
/// </summary>
[MemoryDiagnoser]
public class ScrapeAppendBenchmarks
{
    private readonly ExpositionScratch _scratch = new();
    private byte[] _body = [];
    private ScrapeSeriesCache _cache = null!;
    private IScrapeAppender _appender = null!;
    private Wal.Wal? _wal;
    private string _walDirectory = "";
    private List<ScrapedSeries> _previous = [];
    private List<ScrapedSeries> _current = [];
    private int _iteration;
    private long _timestampMs = 1_700_000_000_000;

    /// <summary>The parser benchmarks' pages (Prometheus text): node-1MiB and highcard-10MiB.</summary>
    [Params("node-1MiB", "highcard-10MiB")]
    public string Page { get; set; } = "node-1MiB";

    [Params("none", "wal")]
    public string Sink { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        _body = Page == "node-1MiB"
            ? ExpositionPages.NodeExporter(1 << 20, openMetrics: false)
            : ExpositionPages.HighCardinality(10 << 20, openMetrics: false);
        (string Name, string Value)[] labels = [("instance", "host-0001:9100"), ("job", "node")];
        var target = new ScrapeTargetInfo(new Uri("http://host-0001:9100/metrics"), labels, "node", "host-0001:9100", Hash: 0);
        _cache = new ScrapeSeriesCache(target, honorLabels: false, metricRelabel: [], ScrapeLabelLimits.From(ScrapeConfig.Default));
        if (Sink == "wal")
        {
            string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
            _walDirectory = Path.Combine(root, "vigil-bench-" + Guid.NewGuid().ToString("N"));
            _wal = Wal.Wal.Open(_walDirectory, new Wal.WalOptions());
            _appender = new WalScrapeAppender(_wal);
        }
        else
        {
            _appender = new CountingAppender();
        }

        // The first scrape learns every series (and gives them WAL refs); the measured ones find them all.
        int samples = ScrapeAndAppendAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine(FormattableString.Invariant($"// {Page}: {_body.Length / 1048576.0:F2} MiB, {samples} samples, {_cache.Count} series cached"));
    }

    /// <summary>One scrape's append step; returns the samples appended.</summary>
    [Benchmark]
    public async ValueTask<int> ScrapeAndAppendAsync()
    {
        _iteration++;
        _timestampMs += 15_000;
        int appended = AppendSamples();
        foreach (ScrapedSeries series in _previous)
        {
            if (series.TrackedIteration != _iteration)
            {
                _appender.Append(series, _timestampMs, StaleMarker.Value);
            }
        }

        (_previous, _current) = (_current, _previous);
        _current.Clear();
        await _appender.CommitAsync().ConfigureAwait(false);
        _cache.Sweep(_iteration);
        return appended;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _wal?.Dispose();
        if (_walDirectory.Length > 0)
        {
            Directory.Delete(_walDirectory, recursive: true);
        }
    }

    private int AppendSamples()
    {
        var parser = new ExpositionParser(_body, ExpositionFormat.PrometheusText, _scratch);
        int appended = 0;
        while (parser.TryNext(out ExpositionEntry entry))
        {
            if (entry.Kind != ExpositionEntryKind.Sample)
            {
                continue;
            }

            ScrapeSeriesCache.Entry cached = _cache.Resolve(entry.MetricName, entry.Labels, _iteration, out _);
            if (cached.Series is not { } series || series.AppendedIteration == _iteration)
            {
                continue;
            }

            series.AppendedIteration = _iteration;
            long timestampMs = entry.TimestampMs ?? _timestampMs;
            if (entry.TimestampMs is null && series.TrackedIteration != _iteration)
            {
                series.TrackedIteration = _iteration;
                _current.Add(series);
            }

            _appender.Append(series, timestampMs, entry.Value);
            appended++;
        }

        return parser.Failed ? throw new InvalidOperationException(parser.Error.ToString()) : appended;
    }

    /// <summary>Keeps nothing: what is left is the cost of getting each sample to an appender.</summary>
    private sealed class CountingAppender : IScrapeAppender
    {
        private long _samples;

        public void Append(ScrapedSeries series, long timestampMs, double value) => _samples++;

        public Task CommitAsync() => Task.CompletedTask;

        public void Rollback() => _samples = 0;
    }
}
