using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// Limits and defaults of the engine (Prometheus's <c>promql.EngineOpts</c> and its command-line flags). One
/// instance per engine; immutable.
/// </summary>
internal sealed record QueryEngineOptions
{
    /// <summary><c>--query.lookback-delta</c>: how far back an instant selector looks for a sample. Default 5 m.</summary>
    public TimeSpan LookbackDelta { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>--query.timeout</c>. Default 2 m.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>--query.max-samples</c>: samples a query may hold in memory at once. Default 50,000,000.</summary>
    public int MaxSamples { get; init; } = 50_000_000;

    /// <summary>
    /// The step of a subquery written without one (<c>x[1h:]</c>): Prometheus uses the global evaluation interval,
    /// 1 m by default (<c>NoStepSubqueryIntervalFn</c>).
    /// </summary>
    public TimeSpan DefaultSubqueryStep { get; init; } = TimeSpan.FromMinutes(1);

    public static QueryEngineOptions Default { get; } = new();
}

/// <summary>
/// Evaluates PromQL against storage reached only through its contract (<see cref="IQueryableStorage"/>). Thread-safe;
/// the host builds one per process. Failures are thrown as <see cref="QueryException"/>.
/// </summary>
internal interface IQueryEngine
{
    /// <summary>Evaluates <paramref name="query"/> at <paramref name="time"/> (ms), as <c>/api/v1/query</c>.</summary>
    QueryResult InstantQuery(IQueryableStorage storage, string query, long time, CancellationToken cancellationToken);

    /// <summary>
    /// Evaluates <paramref name="query"/> from <paramref name="start"/> to <paramref name="end"/> every
    /// <paramref name="step"/> (all ms), as <c>/api/v1/query_range</c>. The result is always a matrix (a
    /// scalar becomes one series without labels); a range-vector or string query is refused with bad_data
    /// ("invalid expression type "range vector" for range query, must be Scalar or instant Vector"), as Prometheus does.
    /// </summary>
    QueryResult RangeQuery(IQueryableStorage storage, string query, long start, long end, long step, CancellationToken cancellationToken);
}
