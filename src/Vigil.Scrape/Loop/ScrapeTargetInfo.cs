namespace Vigil.Scrape.Loop;

/// <summary>
/// One target as discovery hands it to a scrape loop: the URL to GET (scheme, address, metrics_path and params
/// already applied) and its final labels after relabel_configs, without the <c>__</c> labels.
/// </summary>
/// <param name="Url">The absolute scrape URL.</param>
/// <param name="Labels">Target labels sorted by name (ordinal), including <c>job</c> and <c>instance</c>.</param>
/// <param name="Job">The job label.</param>
/// <param name="Instance">The instance label.</param>
/// <param name="Hash">A stable hash of labels and URL; picks the offset of the target within the interval.</param>
internal sealed record ScrapeTargetInfo(Uri Url, (string Name, string Value)[] Labels, string Job, string Instance, ulong Hash)
{
    /// <summary>The target's own interval (<c>__scrape_interval__</c> after relabeling); null means the job's.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>The target's own timeout (<c>__scrape_timeout__</c> after relabeling); null means the job's.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>A target's health, as Prometheus's targets API names it.</summary>
internal enum TargetHealth
{
    /// <summary>Not scraped yet.</summary>
    Unknown,
    Up,
    Down,
}

/// <summary>The outcome of a target's last scrape, for the targets API; an immutable snapshot.</summary>
/// <param name="Health">Up after a successful scrape, down after a failed one, unknown before the first.</param>
/// <param name="LastScrape">When the last scrape started, or null.</param>
/// <param name="LastScrapeDuration">How long the last scrape took (fetch, parse and append).</param>
/// <param name="LastError">Why the last scrape failed, or null when it succeeded.</param>
internal sealed record TargetStatus(TargetHealth Health, DateTimeOffset? LastScrape, TimeSpan LastScrapeDuration, string? LastError)
{
    public static TargetStatus NotYetScraped { get; } = new(TargetHealth.Unknown, null, TimeSpan.Zero, null);
}
