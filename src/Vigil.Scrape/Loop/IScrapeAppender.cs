namespace Vigil.Scrape.Loop;

/// <summary>
/// Where a scrape loop puts its samples: the instance's appender over its WAL (Prometheus's
/// <c>storage.Appender</c>). A loop owns one and uses it from one thread at a time: a scrape appends, then either
/// commits (<see cref="CommitAsync"/>) or discards (<see cref="Rollback"/>) what it appended since the last commit.
/// </summary>
internal interface IScrapeAppender
{
    /// <summary>
    /// Adds one sample to the open batch. <paramref name="series"/> belongs to the loop and is the same object for
    /// every sample of that label set, so the appender may cache its own reference in <see cref="ScrapedSeries.Ref"/>.
    /// A stale marker is a value whose bits are <see cref="StaleMarker.Bits"/>.
    /// </summary>
    void Append(ScrapedSeries series, long timestampMs, double value);

    /// <summary>Makes the open batch durable; the scrape loop awaits it before its next scrape.</summary>
    Task CommitAsync();

    /// <summary>Discards the open batch (a failed scrape must not leave half of its samples behind).</summary>
    void Rollback();
}

/// <summary>
/// One series as stored: sorted labels (including <c>__name__</c>) after target labels and metric_relabel_configs.
/// The loop interns these, one object per distinct label set, and reuses them across scrapes.
/// </summary>
internal sealed class ScrapedSeries
{
    public ScrapedSeries((string Name, string Value)[] sortedLabels)
    {
        ArgumentNullException.ThrowIfNull(sortedLabels);
        LabelArray = sortedLabels;
    }

    /// <summary>Sorted by name (ordinal); never modified after construction.</summary>
    public IReadOnlyList<(string Name, string Value)> Labels => LabelArray;

    /// <summary>The same labels as the array the cache keys by.</summary>
    internal (string Name, string Value)[] LabelArray { get; }

    /// <summary>Free for the appender: e.g. its WAL series ref, so it looks a series up once (0 = not yet).</summary>
    public ulong Ref { get; set; }

    /// <summary>The scrape iteration that last appended a sample of this series (duplicate detection).</summary>
    internal int AppendedIteration { get; set; } = -1;

    /// <summary>The scrape iteration that last saw this series without an explicit timestamp (staleness).</summary>
    internal int TrackedIteration { get; set; } = -1;

    /// <summary>The value of <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        foreach ((string labelName, string value) in Labels)
        {
            if (string.Equals(labelName, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    public override string ToString() =>
        "{" + string.Join(", ", Labels.Select(static l => l.Name + "=\"" + l.Value + "\"")) + "}";
}

/// <summary>Prometheus's staleness marker (<c>model/value.StaleNaN</c>).</summary>
internal static class StaleMarker
{
    /// <summary>A NaN with payload 2: distinct from the "normal" NaN 0x7ff8000000000001 an exporter may expose.</summary>
    public const ulong Bits = 0x7ff0000000000002;

    public static double Value => BitConverter.UInt64BitsToDouble(Bits);

    public static bool Is(double value) => BitConverter.DoubleToUInt64Bits(value) == Bits;
}
