namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    private StepValue EvalCall(Call call) => throw new QueryException(QueryErrorKind.Internal, "not yet: " + call.Function.Name);

    private StepValue EvalAggregate(AggregateExpr agg) => throw new QueryException(QueryErrorKind.Internal, "not yet: " + agg.Op);

    private StepValue EvalBinary(BinaryExpr bin) => throw new QueryException(QueryErrorKind.Internal, "not yet: " + bin.Op);

    private List<Series> EvalSubqueryPoints(SubqueryExpr sq) => throw new QueryException(QueryErrorKind.Internal, "not yet: " + sq);
}
