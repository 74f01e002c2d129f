using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Vigil.Common.Metrics;

namespace Vigil.Monitors.Metrics;

/// <summary>
/// The scheduler's self-metrics (exposed on <c>/metrics</c>, unlike the monitors' own series, which go to their
/// instance). Registered in the scope of their owner and gone when it is disposed.
/// </summary>
internal sealed class MonitorMetrics
{
    public MonitorMetrics(MetricsScope scope)
    {
        Scheduled = scope.Gauge("vigil_monitor_scheduled", "Monitors the scheduler runs (not paused).");
        InFlight = scope.Gauge("vigil_monitor_collections_in_flight", "Collections running now.");
        var collections = scope.CounterFamily("vigil_monitor_collections_total", "Collections by result: success, failure, timeout, skipped (the previous round still ran).", "result");
        Success = scope.Child(collections, "success");
        Failure = scope.Child(collections, "failure");
        Timeout = scope.Child(collections, "timeout");
        Skipped = scope.Child(collections, "skipped");
        Dropped = scope.Counter(
            "vigil_monitor_rounds_dropped_total",
            "Rounds whose samples were not written because the monitor's instance was not running (stopping, reloading or removed).");
        Lateness = scope.Histogram(
            "vigil_monitor_schedule_lateness_seconds",
            "How long after its due time a collection started (waiting for a tick and a concurrency slot).",
            [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10]);
        Connections = new ConnectionMetrics(scope.GaugeFamily("vigil_monitor_connections_open", "Connections held by monitors' leases, by protocol.", "protocol"));
    }

    public Gauge Scheduled { get; }

    public Gauge InFlight { get; }

    public Counter Success { get; }

    public Counter Failure { get; }

    public Counter Timeout { get; }

    public Counter Skipped { get; }

    public Counter Dropped { get; }

    public Histogram Lateness { get; }

    public ConnectionMetrics Connections { get; }
}

/// <summary><c>vigil_monitor_connections_open{protocol}</c>, moved by <see cref="Collectors.ConnectionLeases"/>.</summary>
internal sealed class ConnectionMetrics
{
    private readonly MetricFamily<Gauge>? _family;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _open = new(StringComparer.Ordinal);

    public ConnectionMetrics(MetricFamily<Gauge>? family)
    {
        _family = family;
    }

    /// <summary>Counts without exposing (tests, and one-off collections).</summary>
    public static ConnectionMetrics Unregistered() => new(null);

    public long Open(string protocol) => _open.TryGetValue(protocol, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long OpenTotal => _open.Values.Sum(b => Interlocked.Read(ref b.Value));

    public void Opened(string protocol) => Interlocked.Increment(ref Box(protocol).Value);

    public void Closed(string protocol) => Interlocked.Decrement(ref Box(protocol).Value);

    private StrongBox<long> Box(string protocol)
    {
        if (_open.TryGetValue(protocol, out var box))
        {
            return box;
        }

        // Under a lock so the exposed gauge and the counted box are always the same one.
        lock (_open)
        {
            if (!_open.TryGetValue(protocol, out box))
            {
                var created = new StrongBox<long>();
                _family?.Child([protocol]).SetSource(() => Interlocked.Read(ref created.Value));
                _open[protocol] = box = created;
            }

            return box;
        }
    }
}
