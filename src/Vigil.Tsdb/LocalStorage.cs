using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>Settings of the embedded TSDB, from the <c>storage</c> section.</summary>
/// <param name="Directory">Where blocks will live (<c>&lt;data&gt;/tsdb</c>).</param>
/// <param name="OutOfOrderTimeWindowMs">out_of_order_time_window in milliseconds; 0 rejects out-of-order samples.</param>
internal sealed record LocalStorageOptions(string Directory, long OutOfOrderTimeWindowMs);

/// <summary>
/// The process's embedded TSDB (issue 5): one head, filled by a feeder per instance run from that instance's WAL.
/// It outlives instance runs, so it keeps each instance's feed state: a restarted run resumes feeding where the
/// previous one stopped. Queries go through the storage contract only (<see cref="IQueryableStorage"/>).
/// </summary>
internal sealed class LocalStorage : IQueryableStorage, IDisposable
{
    private readonly Dictionary<string, FeedState> _feeds = new(StringComparer.Ordinal);

    public LocalStorage(LocalStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        System.IO.Directory.CreateDirectory(options.Directory);
        Head = new Head(new HeadOptions { OutOfOrderTimeWindow = options.OutOfOrderTimeWindowMs });
    }

    public LocalStorageOptions Options { get; }

    public Head Head { get; }

    public IQuerier Querier() => Head.Querier();

    /// <summary>
    /// A feeder for one run of <paramref name="instance"/>, continuing the previous run's feed when the WAL directory
    /// is the same, and starting afresh (a new ref space) when it moved.
    /// </summary>
    public WalFeeder CreateFeeder(string instance, string walDirectory, Action<string> warn)
    {
        FeedState state;
        lock (_feeds)
        {
            if (!_feeds.TryGetValue(instance, out state!) || !string.Equals(state.WalDirectory, walDirectory, StringComparison.Ordinal))
            {
                state = new FeedState(walDirectory);
                _feeds[instance] = state;
            }
        }

        return new WalFeeder(state, Head, warn);
    }

    public void Dispose() => Head.Dispose();
}
