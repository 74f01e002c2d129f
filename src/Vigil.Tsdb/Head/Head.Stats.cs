namespace Vigil.Tsdb;

// Cardinality statistics for the query API's /api/v1/status/tsdb (issue 6), read from the postings index.
internal sealed partial class Head
{
    /// <summary>
    /// The head's statistics with top-<paramref name="top"/> lists (Prometheus: 10), the series counts by metric
    /// read from the values of <paramref name="metricLabel"/>. Takes the index's read lock once; appends to existing
    /// series go on meanwhile.
    /// </summary>
    public HeadIndexStats IndexStats(string metricLabel = "__name__", int top = 10)
    {
        var postings = _postings.CardinalityStats(metricLabel, top);
        return new HeadIndexStats(
            SeriesCount,
            postings.NumLabelPairs,
            ChunkCount,
            MinTime,
            MaxTime,
            postings.Metrics,
            postings.LabelValueCounts,
            postings.LabelValueBytes,
            postings.LabelValuePairs);
    }
}
