using System.Diagnostics;

namespace Vigil.PromQL.Engine;

/// <summary>
/// What one query may spend, shared by its evaluator and the evaluators of its subqueries: the samples held in
/// memory at once (Prometheus's <c>currentSamples</c> against <c>--query.max-samples</c>), the deadline and the
/// caller's cancellation. Checked between series and steps, never per sample.
/// </summary>
internal sealed class QueryLimits
{
    private readonly long _deadline;
    private readonly CancellationToken _cancellation;
    private long _current;
    private long _steps;

    public QueryLimits(QueryEngineOptions options, CancellationToken cancellation)
    {
        MaxSamples = options.MaxSamples;
        _cancellation = cancellation;
        long ticks = (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        _deadline = options.Timeout <= TimeSpan.Zero || ticks < 0 ? long.MaxValue : Stopwatch.GetTimestamp() + ticks;
    }

    public int MaxSamples { get; }

    /// <summary>Samples currently held.</summary>
    public long Current => _current;

    /// <summary>The most held at once during the query.</summary>
    public long Peak { get; private set; }

    /// <summary>Takes <paramref name="n"/> more samples, or throws Prometheus's "too many samples" error.</summary>
    public void Take(long n)
    {
        _current += n;
        if (_current > MaxSamples)
        {
            throw TooManySamples();
        }

        if (_current > Peak)
        {
            Peak = _current;
        }
    }

    public void Free(long n) => _current -= n;

    /// <summary>
    /// Charges the dense step arrays of a series being built (see <see cref="StepSeries.Rent"/>). The bound is the
    /// sample limit: Prometheus would hold at least as many samples wherever series have values at most steps.
    /// </summary>
    public void TakeSteps(long n)
    {
        _steps += n;
        if (_steps > MaxSamples)
        {
            throw TooManySamples();
        }
    }

    public void FreeSteps(long n) => _steps -= n;

    /// <summary>Throws when the query was canceled or ran past its timeout (Prometheus's <c>contextDone</c>).</summary>
    public void Check()
    {
        if (_cancellation.IsCancellationRequested)
        {
            throw new QueryException(QueryErrorKind.Canceled, "query was canceled in expression evaluation");
        }

        if (Stopwatch.GetTimestamp() > _deadline)
        {
            throw new QueryException(QueryErrorKind.Timeout, "query timed out in expression evaluation");
        }
    }

    public static QueryException TooManySamples() => new(
        QueryErrorKind.Execution, "query processing would load too many samples into memory in query execution");
}
