using Vigil.Common.Config;
using Vigil.PromQL.Engine;

namespace Vigil.Config;

/// <summary>
/// <c>query</c>: the PromQL engine's limits, Prometheus's <c>--query.timeout</c>, <c>--query.max-samples</c> and
/// <c>--query.lookback-delta</c> flags under their names. Read at start, like those flags.
/// </summary>
internal sealed record QueryConfig
{
    public static QueryConfig Default { get; } = new();

    /// <summary><c>timeout</c>: a query running longer is stopped and answered 503 <c>timeout</c>; default 2m.</summary>
    public TimeSpan Timeout { get; init; } = QueryEngineOptions.Default.Timeout;

    /// <summary><c>max_samples</c>: samples one query may hold at once, past which it fails with 422 <c>execution</c>; default 50000000.</summary>
    public int MaxSamples { get; init; } = QueryEngineOptions.Default.MaxSamples;

    /// <summary><c>lookback_delta</c>: how far back an instant selector looks for a sample; default 5m.</summary>
    public TimeSpan LookbackDelta { get; init; } = QueryEngineOptions.Default.LookbackDelta;

    public QueryEngineOptions EngineOptions => new() { Timeout = Timeout, MaxSamples = MaxSamples, LookbackDelta = LookbackDelta };

    public static QueryConfig Parse(ConfigMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new QueryConfig
        {
            Timeout = map.PositiveDuration("timeout", Default.Timeout),
            MaxSamples = map.Int("max_samples", Default.MaxSamples, min: 1),
            LookbackDelta = map.PositiveDuration("lookback_delta", Default.LookbackDelta),
        };
        map.RejectUnknownKeys();
        return result;
    }
}
