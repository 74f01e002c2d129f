using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// Evaluates a parsed expression at every step of [<see cref="Start"/>, <see cref="End"/>] at once, node by node,
/// as Prometheus 2.42's <c>evaluator</c> does (<c>rangeEval</c>): each node's value covers all steps, so each
/// selector's series are selected and iterated once for the whole query. An instant query is a range of one step.
/// A subquery gets its own evaluator with its own steps, sharing the querier and the limits.
/// </summary>
/// <remarks>
/// Split by concern: selectors (<c>Evaluator.Selectors.cs</c>), range functions, instant functions, binary
/// operators and vector matching, aggregations, subqueries. Used by one thread, for one query. The loops that run
/// once per query per node are marked <see cref="MethodImplOptions.AggressiveOptimization"/>: tiered JIT would
/// run them as unoptimized tier-0 code until they had been called 30 times, that is for a dashboard's first 30
/// queries of each shape.
/// </remarks>
internal sealed partial class Evaluator
{
    private readonly List<string> _warnings;

    public Evaluator(IQuerier querier, QueryEngineOptions options, QueryLimits limits, long start, long end, long interval)
        : this(querier, options, limits, start, end, interval, start, end, [])
    {
    }

    private Evaluator(
        IQuerier querier, QueryEngineOptions options, QueryLimits limits, long start, long end, long interval,
        long queryStart, long queryEnd, List<string> warnings)
    {
        (Querier, Options, Limits, Start, End, Interval) = (querier, options, limits, start, end, interval);
        (QueryStart, QueryEnd, _warnings) = (queryStart, queryEnd, warnings);
        long steps = ((end - start) / interval) + 1;

        // One series over all steps must fit the sample limit (a subquery like x[30d:1s] is refused here).
        Steps = steps <= limits.MaxSamples ? (int)steps : throw QueryLimits.TooManySamples();
        LookbackMs = (long)options.LookbackDelta.TotalMilliseconds;
    }

    public IQuerier Querier { get; }

    public QueryEngineOptions Options { get; }

    public QueryLimits Limits { get; }

    /// <summary>First step's time, ms.</summary>
    public long Start { get; }

    /// <summary>Last step's time, ms (inclusive).</summary>
    public long End { get; }

    /// <summary>Step width, ms; 1 for an instant query, as in Prometheus.</summary>
    public long Interval { get; }

    public int Steps { get; }

    /// <summary>The outermost query's range, which <c>@ start()</c> and <c>@ end()</c> refer to even inside subqueries.</summary>
    public long QueryStart { get; }

    public long QueryEnd { get; }

    public long LookbackMs { get; }

    public IReadOnlyList<string> Warnings => _warnings;

    public long StepTime(int step) => Start + (step * Interval);

    /// <summary>A series' values as points at the steps it has, in time order; releases the series.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FPoint[] ToPoints(StepSeries series)
    {
        var points = new FPoint[series.Count];
        int n = 0;
        for (int step = 0; step < Steps; step++)
        {
            if (series.Has[step])
            {
                points[n++] = new FPoint(StepTime(step), series.Values[step]);
            }
        }

        series.Release();
        return points;
    }

    /// <summary>
    /// Evaluates <paramref name="expr"/> over every step. The tree is walked recursively; a tree deeper than the
    /// stack allows is refused with bad_data. Prometheus would still answer such a query (Go stacks grow to 1 GB),
    /// but the parser already refuses what nests deeper than its own stack (docs/architecture.md), so only a tree
    /// the parser accepted with little stack to spare can get here.
    /// </summary>
    public StepValue Eval(Expr expr)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new QueryException(QueryErrorKind.BadData, "expression nested too deeply to evaluate");
        }

        Limits.Check();
        return expr switch
        {
            NumberLiteral n => StepValue.OfScalar(Fill(n.Value)),
            StringLiteral s => StepValue.OfString(s.Value),
            ParenExpr p => Eval(p.Expr),
            UnaryExpr u => EvalUnary(u),
            VectorSelector vs => EvalVectorSelector(vs),
            MatrixSelector ms => StepValue.OfMatrix(EvalMatrixSelectorPoints(ms)),
            SubqueryExpr sq => StepValue.OfMatrix(EvalSubqueryPoints(sq)),
            Call call => EvalCall(call),
            AggregateExpr agg => EvalAggregate(agg),
            BinaryExpr bin => EvalBinary(bin),
            _ => throw new QueryException(QueryErrorKind.Internal, $"unhandled expression of type {expr.GetType().Name}"),
        };
    }

    /// <summary>A new scalar array with <paramref name="value"/> at every step.</summary>
    public double[] Fill(double value)
    {
        var values = new double[Steps];
        Array.Fill(values, value);
        return values;
    }

    private StepValue EvalUnary(UnaryExpr u)
    {
        var value = Eval(u.Expr);
        if (u.Op == UnaryOperator.Plus)
        {
            return value;
        }

        if (value.Type == ValueType.Scalar)
        {
            var s = value.Scalar;
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = -s[i];
            }

            return value;
        }

        // Unary minus drops the metric name, as any arithmetic does (engine.go, UnaryExpr).
        foreach (var series in value.Vector)
        {
            series.Metric = LabelSets.DropMetricName(series.Metric);
            var values = series.Values;
            for (int i = 0; i < Steps; i++)
            {
                values[i] = -values[i];
            }
        }

        CheckNoDuplicateSeries(value.Vector);
        return value;
    }

    /// <summary>
    /// Prometheus's <c>ContainsSameLabelset</c> check on a node's output: two series with equal labels would be
    /// indistinguishable. Checked over whole series, not per step, as 2.42 checks its matrices.
    /// </summary>
    public void CheckNoDuplicateSeries(List<StepSeries> series)
    {
        if (series.Count < 2)
        {
            return;
        }

        var seen = new HashSet<Labels>(series.Count);
        foreach (var s in series)
        {
            if (!seen.Add(s.Metric))
            {
                ReleaseAll(series);
                throw DuplicateLabelset();
            }
        }
    }

    public static QueryException DuplicateLabelset() =>
        new(QueryErrorKind.Execution, "vector cannot contain metrics with the same labelset");

    public static void ReleaseAll(List<StepSeries> series)
    {
        foreach (var s in series)
        {
            s.Release();
        }
    }

    /// <summary>Gives up the sample budget of a node's result that its consumer no longer holds, and its arrays.</summary>
    public void Discard(StepValue value)
    {
        foreach (var s in value.Vector)
        {
            Limits.Free(s.Count);
            s.Release();
        }
    }

    private void AddWarnings(IReadOnlyList<string> warnings)
    {
        if (warnings.Count > 0)
        {
            _warnings.AddRange(warnings);
        }
    }
}
