using System.Globalization;
using Vigil.RemoteWrite.Codec;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>
/// Issue 6's conformance data: about 200 series over 2 h at a 15 s interval, the same for every run but shifted in
/// time (the values come from a seeded <see cref="Random"/>, the timestamps from <paramref name="startMs"/>). It has
/// counters with resets, gauges with negative, NaN and ±Inf values, classic histograms and summaries, several
/// jobs, instances and label shapes, gaps longer than the 5 m lookback, and series that end with a stale marker.
/// </summary>
internal sealed partial class ConformanceData
{
    public const int IntervalMs = 15_000;

    /// <summary>2 h of samples at 15 s: 481 timestamps, both ends included.</summary>
    public const int Steps = 481;

    /// <summary>Prometheus's staleness marker (value/value.go StaleNaN); a NaN that is not the ordinary NaN.</summary>
    public static readonly double StaleNaN = BitConverter.Int64BitsToDouble(0x7ff0000000000002);

    private readonly List<WriteSeries> _series = [];
    private readonly Random _random = new(20_260_621);

    public ConformanceData(long startMs)
    {
        StartMs = startMs;
        AddCounters();
        AddGauges();
        AddSpecialValues();
        AddGapsAndStaleness();
        AddHistograms();
        AddSummaries();
        AddLabelShapes();
    }

    /// <summary>
    /// The data set ending two minutes before now, on a minute boundary, so a Prometheus head (which refuses samples
    /// older than its newest minus one hour, and none newer than now matter) accepts every sample.
    /// </summary>
    public static ConformanceData EndingBeforeNow()
    {
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new ConformanceData(((nowMs / 60_000) * 60_000) - ((Steps - 1) * (long)IntervalMs) - (2 * 60_000));
    }

    /// <summary>The first sample's timestamp (ms).</summary>
    public long StartMs { get; }

    /// <summary>The last sample's timestamp (ms).</summary>
    public long EndMs => StartMs + ((Steps - 1) * (long)IntervalMs);

    public IReadOnlyList<WriteSeries> Series => _series;

    public int SampleCount => _series.Sum(s => s.Samples.Length);

    /// <summary>
    /// The data as remote-write 1.0 request bodies (snappy protobuf), each holding every series' samples of one
    /// <paramref name="windowMs"/> window, oldest window first. Sent in this order, no series ever goes back in
    /// time, and a head that refuses samples older than its newest minus one hour (Prometheus's) accepts them all.
    /// </summary>
    public IEnumerable<byte[]> RemoteWriteBodies(long windowMs = 10 * 60_000)
    {
        for (var from = StartMs; from <= EndMs; from += windowMs)
        {
            var to = from + windowMs;
            var batch = new List<WriteSeries>(_series.Count);
            foreach (var series in _series)
            {
                var samples = Array.FindAll(series.Samples, s => s.TimestampMs >= from && s.TimestampMs < to);
                if (samples.Length > 0)
                {
                    batch.Add(series with { Samples = samples });
                }
            }

            yield return Payloads.V1(batch);
        }
    }

    private long At(int step) => StartMs + (step * (long)IntervalMs);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Add((string, string)[] labels, Func<int, double?> valueAt)
    {
        var samples = new List<(long, double)>(Steps);
        for (var step = 0; step < Steps; step++)
        {
            if (valueAt(step) is { } value)
            {
                samples.Add((At(step), value));
            }
        }

        // Remote write wants labels sorted by name (spec: "label names MUST be sorted").
        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        _series.Add(new WriteSeries(labels, [.. samples]));
    }

    /// <summary>A counter that grows by random steps and restarts from a small value at <paramref name="resets"/>.</summary>
    private Func<int, double?> Counter(double maxIncrement, params int[] resets)
    {
        var values = new double[Steps];
        var value = Math.Round(_random.NextDouble() * 1000);
        for (var step = 0; step < Steps; step++)
        {
            value = Array.IndexOf(resets, step) >= 0
                ? Math.Round(_random.NextDouble() * maxIncrement)
                : value + Math.Round(_random.NextDouble() * maxIncrement, 2);
            values[step] = value;
        }

        return step => values[step];
    }

    private void AddCounters()
    {
        string[] methods = ["GET", "POST"];
        string[] codes = ["200", "500"];
        foreach (var job in new[] { "api", "web" })
        {
            for (var instance = 0; instance < 3; instance++)
            {
                foreach (var method in methods)
                {
                    foreach (var code in codes)
                    {
                        // One reset in a few series; two in one, one right at the start of a 5 m window.
                        int[] resets = (instance, method, code) switch
                        {
                            (0, "GET", "200") => [200],
                            (1, "POST", "500") => [100, 340],
                            (2, "GET", "500") => [460],
                            _ => [],
                        };
                        Add(
                            [("__name__", "conf_http_requests_total"), ("job", job), ("instance", $"host-{Str(instance)}:9100"), ("method", method), ("code", code)],
                            Counter(code == "200" ? 50 : 3, resets));
                    }
                }
            }
        }

        for (var instance = 0; instance < 2; instance++)
        {
            for (var cpu = 0; cpu < 4; cpu++)
            {
                foreach (var mode in new[] { "idle", "user", "system" })
                {
                    Add(
                        [("__name__", "conf_cpu_seconds_total"), ("job", "node"), ("instance", $"node-{Str(instance)}:9100"), ("cpu", Str(cpu)), ("mode", mode)],
                        Counter(mode == "idle" ? 15 : 4, instance == 1 && cpu == 0 ? [240] : []));
                }
            }
        }
    }

    private void AddGauges()
    {
        string[] rooms = ["attic", "basement", "cellar", "garage", "kitchen"];
        for (var i = 0; i < 10; i++)
        {
            var offset = (i * 7.5) - 30; // several rooms below zero
            var phase = _random.NextDouble() * Math.PI;
            Add(
                [("__name__", "conf_temperature_celsius"), ("job", "sensors"), ("instance", $"sensor-{Str(i / 5)}"), ("room", rooms[i % 5])],
                step => Math.Round(offset + (10 * Math.Sin(phase + (step / 40.0))), 3));
        }

        foreach (var job in new[] { "api", "web", "node" })
        {
            for (var instance = 0; instance < 4; instance++)
            {
                var baseBytes = (instance + 1) * 1.5e9;
                Add(
                    [("__name__", "conf_memory_bytes"), ("job", job), ("instance", $"host-{Str(instance)}:9100")],
                    _ => Math.Round(baseBytes + (_random.NextDouble() * 2e8)));
                Add(
                    [("__name__", "conf_disk_free_ratio"), ("job", job), ("instance", $"host-{Str(instance)}:9100"), ("device", instance % 2 == 0 ? "sda" : "nvme0n1")],
                    _ => Math.Round(_random.NextDouble(), 4));
            }
        }

        for (var q = 0; q < 8; q++)
        {
            Add(
                [("__name__", "conf_queue_depth"), ("job", q < 4 ? "worker" : "api"), ("queue", $"q{Str(q)}")],
                _ => _random.Next(-5, 40));
        }
    }
}
