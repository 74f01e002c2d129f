using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Feed;

/// <summary>
/// What the WAL feeder needs of the head: series by labels and appends by ref. Samples arrive already durable in
/// an instance WAL, so there is no commit; a refused sample is counted by the caller, never retried.
/// Both members are safe to call from several feeders (one per instance WAL) at once.
/// </summary>
internal interface ISampleSink
{
    /// <summary>
    /// The head series with exactly <paramref name="labels"/>, created if new, and its labels as the head keeps
    /// them (<paramref name="interned"/>): a feeder that must find the series again keeps those, a reference per
    /// label, rather than <paramref name="labels"/>, which would be a second copy per series (issue 5, RSS).
    /// </summary>
    SeriesRef GetOrCreate(Labels labels, out InternedLabels interned);

    /// <summary>
    /// Appends one sample; <see cref="AppendError.None"/> when stored or when it repeats a stored sample exactly.
    /// Throws <see cref="UnknownSeriesException"/> when the sink no longer has the series: the head forgets a series
    /// whose samples all fell before a truncation, so a feeder that keeps refs for long calls
    /// <see cref="GetOrCreate"/> again on that exception and retries the sample once.
    /// </summary>
    AppendError Append(SeriesRef series, long timestampMs, double value);
}
