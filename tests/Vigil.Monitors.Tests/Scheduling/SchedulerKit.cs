using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Common.Metrics;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Scheduling;
using Vigil.Monitors.Templates;
using Vigil.Scrape.Loop;

namespace Vigil.Monitors.Tests.Scheduling;

/// <summary>A scheduler over an in-memory output and a collector the test scripts.</summary>
internal sealed class SchedulerKit : IAsyncDisposable, IMonitorStatusSink
{
    public static readonly MonitorTemplate Template = TemplateParser.Parse("""
        app: fake
        protocol: fake
        params:
          - {field: target, type: text}
        metrics:
          - name: avail
            priority: 0
            fields: [{field: value, metric: fake_value}]
          - name: slow
            priority: 1
            interval: 3s
            fields:
              - {field: db, type: label}
              - {field: size, metric: fake_size_bytes}
            calculated:
              - {field: kib, metric: fake_size_kib, expression: size / 1024}
        """, "fake.yml");

    public SchedulerKit(Func<CollectContext, CancellationToken, Task> collect, SchedulerOptions? options = null)
        : this(new ScriptedCollector(collect), options)
    {
    }

    public SchedulerKit(ICollector collector, SchedulerOptions? options = null)
    {
        Registry = new MetricsRegistry();
        Scheduler = new MonitorScheduler(options ?? SchedulerOptions.Default, [collector], Output, this, Registry.CreateScope(), NullLogger.Instance);
        Scheduler.Start();
    }

    public MetricsRegistry Registry { get; }

    public MemoryOutput Output { get; } = new();

    public MonitorScheduler Scheduler { get; }

    public ConcurrentDictionary<string, (MonitorStatus Status, string? Error)> Statuses { get; } = new();

    public static MonitorDefinition Monitor(string id, TimeSpan interval, string target = "t") => new()
    {
        Id = id,
        Name = "m-" + id,
        App = "fake",
        Params = new SortedDictionary<string, ParamValue>(StringComparer.Ordinal) { ["target"] = ParamValue.OfText(target) },
        Interval = interval,
    };

    public Task ReportAsync(string id, MonitorStatus status, string? lastError)
    {
        Statuses[id] = (status, lastError);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => Scheduler.DisposeAsync();

    internal sealed class ScriptedCollector(Func<CollectContext, CancellationToken, Task> collect) : ICollector
    {
        public string Protocol => "fake";

        public Task CollectAsync(CollectContext context, CancellationToken cancellationToken) => collect(context, cancellationToken);
    }

    /// <summary>Committed samples by formatted series, in order.</summary>
    internal sealed class MemoryOutput : IMonitorOutput
    {
        private readonly object _run = new();

        public ConcurrentQueue<(string Series, long T, double V)> Samples { get; } = new();

        /// <summary>Set to act as an instance that is not running: no lease is given.</summary>
        public bool Closed { get; set; }

        public IMonitorAppendLease? TryOpen(string instance) => Closed ? null : new Lease(this);

        public List<(long T, double V)> Of(string series) => [.. Samples.Where(s => s.Series == series).Select(s => (s.T, s.V))];

        private sealed class Lease(MemoryOutput output) : IMonitorAppendLease, IScrapeAppender
        {
            private readonly List<(string, long, double)> _pending = [];

            public IScrapeAppender Appender => this;

            public object Run => output._run;

            public void Append(ScrapedSeries series, long timestampMs, double value) => _pending.Add((series.ToString(), timestampMs, value));

            public Task CommitAsync()
            {
                _pending.ForEach(output.Samples.Enqueue);
                _pending.Clear();
                return Task.CompletedTask;
            }

            public void Rollback() => _pending.Clear();

            public void Dispose()
            {
            }
        }
    }
}
