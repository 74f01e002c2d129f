using Vigil.Common.Config;

namespace Vigil.Config;

/// <summary>
/// The root of <c>vigil.yml</c>, shaped like Grafana Agent static mode: <c>server</c> and
/// <c>metrics</c>. Every fault surfaces as one <see cref="ConfigException"/> naming file, line and key.
/// </summary>
internal sealed record VigilConfig
{
    /// <summary>An empty file: default server, no instances (Grafana Agent behaviour).</summary>
    public static VigilConfig Default { get; } = new();

    /// <summary><c>server</c>; see <see cref="ServerConfig"/>.</summary>
    public ServerConfig Server { get; init; } = ServerConfig.Default;

    /// <summary><c>metrics</c>; see <see cref="MetricsConfig"/>.</summary>
    public MetricsConfig Metrics { get; init; } = MetricsConfig.Default;

    /// <summary><c>storage</c>; see <see cref="StorageConfig"/>.</summary>
    public StorageConfig Storage { get; init; } = StorageConfig.Default;

    /// <summary><c>query</c>; see <see cref="QueryConfig"/>.</summary>
    public QueryConfig Query { get; init; } = QueryConfig.Default;
    /// <summary><c>monitors</c>; see <see cref="MonitorsConfig"/>.</summary>
    public MonitorsConfig Monitors { get; init; } = MonitorsConfig.Default;

    /// <summary>Parses and validates a whole file; <paramref name="fileName"/> is only used in errors.</summary>
    public static VigilConfig Parse(string yamlText, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var root = ConfigMap.Parse(yamlText, fileName);
        var serverMap = root.Map("server");
        var metricsMap = root.Map("metrics");
        var storageMap = root.Map("storage");
        var queryMap = root.Map("query");
        var monitorsMap = root.Map("monitors");
        root.RejectUnknownKeys();
        return new VigilConfig
        {
            Server = ServerConfig.Parse(serverMap),
            Metrics = MetricsConfig.Parse(metricsMap),
            Storage = StorageConfig.Parse(storageMap),
            Query = QueryConfig.Parse(queryMap),
            Monitors = MonitorsConfig.Parse(monitorsMap),
        };
    }

    /// <summary>Reads and parses <paramref name="path"/>; an unreadable file is a ConfigException at line 0.</summary>
    public static VigilConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException(path, 0, ConfigException.RootPath, "cannot read config file: " + ex.Message, ex);
        }

        return Parse(text, path);
    }

    /// <summary>What runs with no config file: defaults everywhere and one instance named <c>default</c>.</summary>
    public static VigilConfig CreateDefault() => new()
    {
        Metrics = MetricsConfig.Default with
        {
            Configs = [InstanceConfig.FromGlobal(InstanceConfig.DefaultName, GlobalConfig.Default)],
        },
    };
}
