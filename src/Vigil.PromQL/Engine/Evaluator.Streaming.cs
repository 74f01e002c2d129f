namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// Evaluates an instant-vector expression and hands each output series to <paramref name="sink"/>, which owns
    /// it (frees its samples from the limit and releases it). Selectors and range functions stream: each series
    /// is passed on as soon as it is filled, so an aggregation over them holds one input series at a time and its
    /// buffers come back from the pool, instead of all series' steps at once. Anything else is evaluated whole.
    /// </summary>
    private void EvalStreaming(Expr expr, Action<StepSeries> sink)
    {
        var e = expr.Unparenthesized();
        if (e is VectorSelector vs)
        {
            SelectInstant(vs, timestamps: false, sink);
            return;
        }

        if (e is Call call && call.Function.Name != "absent_over_time")
        {
            for (int i = 0; i < call.Args.Count; i++)
            {
                if (call.Args[i].Unparenthesized() is MatrixSelector or SubqueryExpr)
                {
                    EvalRangeCall(call, i, sink);
                    return;
                }
            }
        }

        foreach (var s in Eval(expr).Vector)
        {
            sink(s);
        }
    }
}
