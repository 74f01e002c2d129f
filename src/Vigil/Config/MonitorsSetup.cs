using Vigil.Monitors;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Scheduling;

namespace Vigil.Config;

/// <summary>From the <c>monitors</c> section to what the monitor platform is started with.</summary>
internal static class MonitorsSetup
{
    public static MonitorPlatformOptions Options(MonitorsConfig config, string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        Store = config.Store,
        TemplatesDirectory = config.TemplatesDirectory is { } dir ? Path.GetFullPath(dir) : null,
        StoreTimeout = config.StoreTimeout,
        Scheduler = SchedulerOptions.Default with { MaxConcurrency = config.MaxConcurrency, MaxTimeout = config.MaxTimeout },
    };

    /// <summary>The collectors this build has, one per protocol.</summary>
    public static IReadOnlyList<ICollector> Collectors() => [new Monitors.Collectors.Http.HttpCollector(), new Monitors.Collectors.Tcp.TcpCollector(), new Monitors.Collectors.Prometheus.PrometheusCollector(), new Monitors.Collectors.Kafka.KafkaCollector()];
}
