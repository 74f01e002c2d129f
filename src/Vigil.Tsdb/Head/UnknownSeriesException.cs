using System.Globalization;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>
/// A series ref the head does not know (any more). <see cref="Head.TruncateBefore"/> forgets a series once all its
/// samples are older than the truncation point and no one asked for it since the truncation before; a caller that
/// kept its ref gets this and asks <see cref="Head.GetOrCreate"/> again (the new series has a new ref).
/// </summary>
internal sealed class UnknownSeriesException : KeyNotFoundException
{
    public UnknownSeriesException(SeriesRef seriesRef)
        : base(string.Create(CultureInfo.InvariantCulture, $"the head has no series with ref {seriesRef.Value}")) =>
        Ref = seriesRef;

    public SeriesRef Ref { get; }
}
