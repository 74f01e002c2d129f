using Vigil.Scrape.Loop;

namespace Vigil.Monitors.Scheduling;

/// <summary>
/// Where monitors write: the host hands out its instances' appenders (the same WAL appender scrape loops use),
/// each under a lease on the running instance so the instance cannot stop under a commit.
/// </summary>
internal interface IMonitorOutput
{
    /// <summary>An appender into <paramref name="instance"/>; null when no such instance runs.</summary>
    IMonitorAppendLease? TryOpen(string instance);
}

/// <summary>One collection's hold on an instance: append, commit, then dispose.</summary>
internal interface IMonitorAppendLease : IDisposable
{
    IScrapeAppender Appender { get; }

    /// <summary>
    /// The instance run the appender writes to. A different value than last time means the instance restarted:
    /// series refs cached on <see cref="ScrapedSeries.Ref"/> belong to the old run and must be looked up again.
    /// </summary>
    object Run { get; }
}
