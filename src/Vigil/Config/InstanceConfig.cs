using Vigil.Common.Config;
using Vigil.RemoteWrite.Config;
using Vigil.Scrape.Config;

namespace Vigil.Config;

/// <summary>
/// One entry of <c>metrics.configs</c>: the unit of configuration and lifetime (one WAL, its
/// scrape loops, its remote-write queues). Values inherited from <c>global</c> are already
/// filled in, so an instance can be started from this record alone.
/// </summary>
internal sealed record InstanceConfig
{
    public const string DefaultName = "default";

    /// <summary>An instance named <c>default</c> with no scrape configs, inheriting the default globals.</summary>
    public static InstanceConfig Default { get; } = WithFingerprint(new InstanceConfig());

    /// <summary>
    /// <c>name</c>; required, unique, <c>[A-Za-z0-9_.-]+</c> but not <c>.</c> or <c>..</c>: it is
    /// used as a WAL directory name and in HTTP paths.
    /// </summary>
    public string Name { get; init; } = DefaultName;

    /// <summary><c>scrape_configs</c>, with interval and timeout inherited from global; default none.</summary>
    public IReadOnlyList<ScrapeConfig> ScrapeConfigs { get; init; } = [];

    /// <summary><c>remote_write</c>; default (or when empty): <c>metrics.global.remote_write</c>.</summary>
    public IReadOnlyList<RemoteWriteConfig> RemoteWrite { get; init; } = [];

    /// <summary>Copied from <c>metrics.global.external_labels</c>: they change what remote write sends.</summary>
    public IReadOnlyDictionary<string, string> ExternalLabels { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>wal_truncate_frequency</c>: how often the WAL is checked for truncation; default 60m; &gt; 0.</summary>
    public TimeSpan WalTruncateFrequency { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary><c>min_wal_time</c>: samples younger than this are never truncated; default 5m.</summary>
    public TimeSpan MinWalTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>max_wal_time</c>: samples older than this are truncated even if unsent; default 4h; ≥ min_wal_time.</summary>
    public TimeSpan MaxWalTime { get; init; } = TimeSpan.FromHours(4);

    /// <summary>
    /// <c>max_wal_size</c> (Vigil's own key, issue 3): once the WAL's segments exceed this, the oldest
    /// are truncated even if unsent, and every endpoint counts what it lost. Default 1GiB; ≥ 1MiB.
    /// </summary>
    public long MaxWalSize { get; init; } = 1L << 30;

    /// <summary><c>remote_flush_deadline</c>: how long stopping waits for queues to send what they hold; default 1m.</summary>
    public TimeSpan RemoteFlushDeadline { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// SHA-256 over every other property (after inheritance), so reload restarts exactly the
    /// instances whose effective config changed. Key order and comments do not affect it.
    /// </summary>
    [FingerprintIgnore]
    public string Fingerprint { get; init; } = "";

    /// <summary>
    /// Like <see cref="Fingerprint"/> but without <c>scrape_configs</c>: when only scrape configs change, reload
    /// applies them to the running instance instead of restarting it (issue 4: unchanged targets keep their loops).
    /// </summary>
    [FingerprintIgnore]
    public string RunFingerprint { get; init; } = "";

    public static InstanceConfig Parse(ConfigMap map, GlobalConfig global)
    {
        var name = map.RequiredString("name");
        var scrapeConfigs = ScrapeConfig.ParseList(map, "scrape_configs", global.ScrapeGlobals);
        var remoteWrite = RemoteWriteConfig.ParseList(map, "remote_write");
        var instance = new InstanceConfig
        {
            Name = name,
            ScrapeConfigs = scrapeConfigs,
            RemoteWrite = remoteWrite.Count > 0 ? remoteWrite : global.RemoteWrite,
            ExternalLabels = global.ExternalLabels,
            WalTruncateFrequency = map.PositiveDuration("wal_truncate_frequency", Default.WalTruncateFrequency),
            MinWalTime = map.Duration("min_wal_time", Default.MinWalTime),
            MaxWalTime = map.Duration("max_wal_time", Default.MaxWalTime),
            MaxWalSize = map.Bytes("max_wal_size", Default.MaxWalSize),
            RemoteFlushDeadline = map.Duration("remote_flush_deadline", Default.RemoteFlushDeadline),
        };
        map.RejectUnknownKeys();
        if (instance.MaxWalSize < 1L << 20)
        {
            throw map.Error("max_wal_size", $"{ByteSize.Format(instance.MaxWalSize)} is below the minimum of 1MiB");
        }

        if (!IsValidName(name))
        {
            throw map.Error("name", $"'{name}' is not a valid instance name; use only letters, digits, '_', '.' and '-'");
        }

        if (instance.MinWalTime > instance.MaxWalTime)
        {
            throw map.Error(map.Has("min_wal_time") ? "min_wal_time" : "max_wal_time",
                $"min_wal_time {PromDuration.Format(instance.MinWalTime)} is greater than max_wal_time {PromDuration.Format(instance.MaxWalTime)}");
        }

        return WithFingerprint(instance);
    }

    /// <summary>An instance built from <paramref name="global"/> alone (used when Vigil runs without a config file).</summary>
    public static InstanceConfig FromGlobal(string name, GlobalConfig global) => WithFingerprint(new InstanceConfig
    {
        Name = name,
        RemoteWrite = global.RemoteWrite,
        ExternalLabels = global.ExternalLabels,
    });

    public static bool IsValidName(string name) =>
        name.Length > 0 && name is not ("." or "..")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static InstanceConfig WithFingerprint(InstanceConfig instance) => instance with
    {
        Fingerprint = ConfigFingerprint.Compute(instance),
        RunFingerprint = ConfigFingerprint.Compute(instance with { ScrapeConfigs = [] }),
    };
}
