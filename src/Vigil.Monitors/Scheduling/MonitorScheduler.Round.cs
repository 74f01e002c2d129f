using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Scheduling;

/// <summary>One round of one monitor: wait for a slot, collect under the hard timeout, write, report.</summary>
internal sealed partial class MonitorScheduler
{
    /// <summary>
    /// Starts a round unless the previous one, or a collection abandoned at its timeout, still runs (then it is
    /// skipped and counted). Called under the lock.
    /// </summary>
    private void Dispatch(ScheduledMonitor monitor, long dueMs)
    {
        if (!monitor.Abandoned.IsCompleted || !monitor.TryStartRound())
        {
            Metrics.Skipped.Inc();
            return;
        }

        monitor.InFlight = Task.Run(() => RoundAsync(monitor, dueMs));
    }

    /// <summary>The hard timeout: the smaller of the interval and <see cref="SchedulerOptions.MaxTimeout"/>.</summary>
    private TimeSpan TimeoutOf(MonitorDefinition monitor) => monitor.Interval < _options.MaxTimeout ? monitor.Interval : _options.MaxTimeout;

    private async Task RoundAsync(ScheduledMonitor monitor, long dueMs)
    {
        try
        {
            await _concurrency.WaitAsync(monitor.Stopping).ConfigureAwait(false);
            try
            {
                Metrics.Lateness.Observe(Math.Max(0, NowMs() - dueMs) / 1000.0);
                Metrics.InFlight.Inc();
                await CollectAndWriteAsync(monitor).ConfigureAwait(false);
            }
            finally
            {
                Metrics.InFlight.Dec();
                _concurrency.Release();
            }
        }
        catch (OperationCanceledException) when (monitor.IsStopped)
        {
            // Paused or deleted while waiting for a slot.
        }
#pragma warning disable CA1031 // A round's fault belongs to that monitor; the scheduler goes on.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            _log.LogWarning("monitor {Id}: round failed: {Error}", monitor.Id, ex.Message);
        }
        finally
        {
            monitor.EndRound();
        }
    }

    private async Task CollectAndWriteAsync(ScheduledMonitor monitor)
    {
        MonitorDefinition definition;
        MonitorTemplate template;
        CollectionRows rows;
        MonitorSeriesWriter writer;
        MonitorSeriesWriter[] retired;
        lock (monitor)
        {
            (definition, template, rows, writer) = (monitor.Definition, monitor.Template, monitor.Rows, monitor.Writer);
            retired = [.. monitor.Retired];
            monitor.Retired.Clear();
        }

        var startMs = NowMs();
        rows.Reset(group => IsGroupDue(monitor, template, group, startMs, definition.Interval));
        writer.Cache.BeginRound();
        var started = Stopwatch.GetTimestamp();
        var (reason, error) = await CollectAsync(monitor, definition, template, rows, writer.Cache).ConfigureAwait(false);
        var duration = Stopwatch.GetElapsedTime(started);
        if (monitor.IsStopped)
        {
            return;
        }

        (reason is null ? Metrics.Success : reason == "timeout" ? Metrics.Timeout : Metrics.Failure).Inc();
        await WriteAsync(definition, writer, retired, startMs, duration, reason, reason is null || rows.FailureReason is not null ? rows : null).ConfigureAwait(false);
        await ReportAsync(monitor, reason is null ? MonitorStatus.Up : MonitorStatus.Down, error).ConfigureAwait(false);
    }

    /// <summary>Priority 0 always runs; a group with its own interval runs once that much has passed since its last run.</summary>
    private static bool IsGroupDue(ScheduledMonitor monitor, MonitorTemplate template, MetricsGroup group, long nowMs, TimeSpan interval)
    {
        var index = IndexOf(template, group);
        if (group.Interval is not { } own || group.Priority == 0)
        {
            monitor.GroupLastRunMs[index] = nowMs;
            return true;
        }

        // Half an interval of slack, so a 60 s group on a 30 s monitor runs every other round despite jitter.
        var last = monitor.GroupLastRunMs[index];
        if (last != long.MinValue && nowMs - last < (long)(own.TotalMilliseconds - (interval.TotalMilliseconds / 2)))
        {
            return false;
        }

        monitor.GroupLastRunMs[index] = nowMs;
        return true;
    }

    private static int IndexOf(MonitorTemplate template, MetricsGroup group)
    {
        for (var i = 0; i < template.Metrics.Count; i++)
        {
            if (ReferenceEquals(template.Metrics[i], group))
            {
                return i;
            }
        }

        return 0;
    }

    /// <returns>The error reason and message, or (null, null) for a successful round.</returns>
    private async Task<(string? Reason, string? Error)> CollectAsync(
        ScheduledMonitor monitor, MonitorDefinition definition, MonitorTemplate template, CollectionRows rows, MonitorSeriesCache series)
    {
        if (!_collectors.TryGetValue(template.Protocol, out var collector))
        {
            return ("unsupported", $"no collector for protocol '{template.Protocol}' yet");
        }

        var timeout = TimeoutOf(definition);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(monitor.Stopping);
        cts.CancelAfter(timeout);
        var context = new CollectContext(definition, template, rows, monitor.Leases, timeout, series);
        var collection = collector.CollectAsync(context, cts.Token);
        try
        {
            // WaitAsync as well as the token: a collector that ignores cancellation is abandoned on time all the same.
            await collection.WaitAsync(timeout, monitor.Stopping).ConfigureAwait(false);
            return rows.FailureReason is { } failed ? (failed, rows.FailureMessage) : (null, null);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && cts.IsCancellationRequested && !monitor.IsStopped))
        {
            Abandon(monitor, collection);
            return ("timeout", $"no result within {Common.Config.PromDuration.Format(timeout)}");
        }
        catch (CollectException ex)
        {
            return (ex.Reason, ex.Message);
        }
        catch (OperationCanceledException) when (monitor.IsStopped)
        {
            return ("stopped", "stopped");
        }
#pragma warning disable CA1031 // Whatever a collector throws is that monitor's error, shown on it and counted.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return ("error", ex.Message);
        }
    }

    /// <summary>
    /// A collection that outlived its timeout keeps running unobserved: it gets fresh rows for the next round (the
    /// old ones may still be written to), and its connection is closed, which is what unblocks most hung calls.
    /// Until it returns the monitor's rounds are skipped, since it may still resolve series in the monitor's cache.
    /// </summary>
    private void Abandon(ScheduledMonitor monitor, Task collection)
    {
        if (collection.IsCompleted)
        {
            return;
        }

        lock (monitor)
        {
            monitor.Rows = new CollectionRows(monitor.Template);
        }

        _ = monitor.Leases.FailAsync();
        monitor.Abandoned = collection.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }

    private async Task WriteAsync(
        MonitorDefinition definition, MonitorSeriesWriter writer, MonitorSeriesWriter[] retired, long timestampMs, TimeSpan duration, string? reason, CollectionRows? rows)
    {
        using var lease = _output.TryOpen(definition.Instance);
        if (lease is null)
        {
            // Not silent (CONVENTIONS: whatever is dropped is counted): the round's samples are lost.
            Metrics.Dropped.Inc();
            return;
        }

        foreach (var old in retired)
        {
            old.WriteStale(lease, timestampMs);
        }

        writer.Write(lease, timestampMs, duration, reason, rows);
        await lease.Appender.CommitAsync().ConfigureAwait(false);
    }

    private async Task ReportAsync(ScheduledMonitor monitor, MonitorStatus status, string? error)
    {
        if (monitor.Reported is { } last && last.Status == status && last.Error == error)
        {
            return;
        }

        await _status.ReportAsync(monitor.Id, status, error).ConfigureAwait(false);
        monitor.Reported = (status, error);
    }

    /// <summary>Stops a monitor removed from the wheel: waits for its round, closes its leases, marks its series stale.</summary>
    private async Task StopAsync(ScheduledMonitor monitor)
    {
        monitor.Stop();
        try
        {
            await monitor.InFlight.WaitAsync(TimeoutOf(monitor.Definition)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("monitor {Id}: its last round did not stop in time; closing its connections anyway", monitor.Id);
        }

        await monitor.Leases.DisposeAsync().ConfigureAwait(false);
        using (var lease = _output.TryOpen(monitor.Definition.Instance))
        {
            if (lease is not null)
            {
                monitor.Writer.WriteStale(lease, NowMs());
                await lease.Appender.CommitAsync().ConfigureAwait(false);
            }
        }

        monitor.Release();
    }
}
