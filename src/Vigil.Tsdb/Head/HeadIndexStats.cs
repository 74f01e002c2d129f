namespace Vigil.Tsdb;

/// <summary>A name and a count in one of <see cref="HeadIndexStats"/>' top lists.</summary>
internal readonly record struct IndexStat(string Name, long Value);

/// <summary>
/// The head's cardinality, as Prometheus's <c>/api/v1/status/tsdb</c> reports it (its head stats and
/// <c>index.PostingsStats</c>): each list holds the largest entries, largest first (ties by name, where Prometheus's
/// heap leaves them in no particular order).
/// </summary>
internal sealed record HeadIndexStats(
    long NumSeries,
    int NumLabelPairs,
    long ChunkCount,
    long MinTime,
    long MaxTime,
    IReadOnlyList<IndexStat> SeriesCountByMetricName,
    IReadOnlyList<IndexStat> LabelValueCountByLabelName,
    IReadOnlyList<IndexStat> MemoryInBytesByLabelName,
    IReadOnlyList<IndexStat> SeriesCountByLabelValuePair);
