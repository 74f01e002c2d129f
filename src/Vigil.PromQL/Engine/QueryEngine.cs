using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// Prometheus 2.42's PromQL engine over the storage contract: parses, evaluates every step of the query at once
/// (<see cref="Evaluator"/>), and shapes the result as <c>/api/v1/query</c> and <c>/api/v1/query_range</c> return it.
/// Thread-safe and stateless between queries.
/// </summary>
internal sealed partial class QueryEngine : IQueryEngine
{
    public QueryEngine(QueryEngineOptions? options = null) => Options = options ?? QueryEngineOptions.Default;

    public QueryEngineOptions Options { get; }

    public QueryResult InstantQuery(IQueryableStorage storage, string query, long time, CancellationToken cancellationToken) =>
        DeepQueryStack.Run(query, () => Instant(storage, query, time, cancellationToken));

    public QueryResult RangeQuery(
        IQueryableStorage storage, string query, long start, long end, long step, CancellationToken cancellationToken) =>
        DeepQueryStack.Run(query, () => Range(storage, query, start, end, step, cancellationToken));

    private QueryResult Instant(IQueryableStorage storage, string query, long time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var expr = Parse(query);
        return Run(storage, cancellationToken, time, time, 1, ev =>
        {
            var value = ev.Eval(expr);
            return value.Type switch
            {
                ValueType.Scalar => new ScalarValue(time, value.Scalar[0]),
                ValueType.String => new StringValue(time, value.String),
                ValueType.Matrix => new MatrixValue(value.Matrix),
                _ => ToVector(value.Vector, time),
            };
        });
    }

    private QueryResult Range(
        IQueryableStorage storage, string query, long start, long end, long step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var expr = Parse(query);
        if (expr.Type is not (ValueType.Scalar or ValueType.Vector))
        {
            throw new QueryException(
                QueryErrorKind.BadData,
                $"invalid expression type \"{expr.Type.Documented()}\" for range query, must be Scalar or instant Vector");
        }

        // The HTTP API checks these first (web/api/v1/api.go); the same words here cover other callers.
        if (end < start)
        {
            throw new QueryException(QueryErrorKind.BadData, "end timestamp must not be before start time");
        }

        if (step <= 0)
        {
            throw new QueryException(QueryErrorKind.BadData, "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        if ((end - start) / step > 11_000)
        {
            throw new QueryException(
                QueryErrorKind.BadData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        return Run(storage, cancellationToken, start, end, step, ev =>
        {
            var value = ev.Eval(expr);
            return value.Type == ValueType.Scalar ? ScalarToMatrix(ev, value.Scalar) : ToMatrix(ev, value.Vector);
        });
    }

    private static Expr Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            return Parser.Parse(query);
        }
        catch (PromQLParseException e)
        {
            throw new QueryException(QueryErrorKind.BadData, e.Message, e);
        }
    }

    /// <summary>
    /// Runs one evaluation and maps every failure to the API's error kinds: cancellation to canceled, a storage
    /// failure (anything the querier throws) to internal, as Prometheus's <c>ErrStorage</c>.
    /// </summary>
    private QueryResult Run(
        IQueryableStorage storage, CancellationToken cancellationToken, long start, long end, long interval,
        Func<Evaluator, QueryValue> evaluate)
    {
        var limits = new QueryLimits(Options, cancellationToken);
        try
        {
            using var querier = storage.Querier();
            var evaluator = new Evaluator(querier, Options, limits, start, end, interval);
            var value = evaluate(evaluator);
            return new QueryResult(value, evaluator.Warnings);
        }
        catch (QueryException)
        {
            throw;
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new QueryException(QueryErrorKind.Canceled, "query was canceled in expression evaluation", e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new QueryException(QueryErrorKind.BadData, "expression nested too deeply to evaluate", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new QueryException(QueryErrorKind.Internal, e.Message, e);
        }
    }

    /// <summary>An instant query's vector, in evaluation order (Prometheus does not sort it), every sample at the query time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static VectorValue ToVector(List<StepSeries> series, long time)
    {
        var samples = new Sample[series.Count];
        for (int i = 0; i < series.Count; i++)
        {
            samples[i] = new Sample(series[i].Metric, time, series[i].Values[0]);
            series[i].Release();
        }

        return new VectorValue(samples);
    }

    /// <summary>A range query's matrix: one series per output series with its points at the steps it has, sorted by labels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MatrixValue ToMatrix(Evaluator ev, List<StepSeries> series)
    {
        var result = new List<Series>(series.Count);
        foreach (var s in series)
        {
            result.Add(new Series(s.Metric, ev.ToPoints(s)));
        }

        result.Sort(static (a, b) => Labels.Compare(a.Metric, b.Metric));
        return new MatrixValue(result);
    }

    private static MatrixValue ScalarToMatrix(Evaluator ev, double[] values)
    {
        var points = new FPoint[ev.Steps];
        for (int step = 0; step < ev.Steps; step++)
        {
            points[step] = new FPoint(ev.StepTime(step), values[step]);
        }

        return new MatrixValue([new Series(Labels.Empty, points)]);
    }
}
