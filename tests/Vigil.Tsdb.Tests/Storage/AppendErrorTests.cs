using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.Storage;

public sealed class AppendErrorTests
{
    [Theory]
    [InlineData(AppendError.OutOfOrder, "out of order sample")]
    [InlineData(AppendError.OutOfBounds, "out of bounds")]
    [InlineData(AppendError.TooOld, "too old sample")]
    [InlineData(AppendError.DuplicateSampleForTimestamp, "duplicate sample for timestamp")]
    [InlineData(AppendError.InvalidLabels, "invalid sample: invalid labels")]
    internal void Each_error_reads_as_prometheus_words_it(AppendError error, string message)
    {
        var result = new AppendResult(new SeriesRef(7), error);
        Assert.False(result.IsSuccess);
        var e = Assert.Throws<AppendException>(() => result.ThrowIfFailed());
        Assert.Equal((error, message), (e.Error, e.Message));
    }

    [Fact]
    public void Success_returns_the_ref()
    {
        var result = new AppendResult(new SeriesRef(7), AppendError.None);
        Assert.True(result.IsSuccess);
        Assert.Equal(new SeriesRef(7), result.ThrowIfFailed());
        Assert.True(SeriesRef.None.IsNone);
    }
}
