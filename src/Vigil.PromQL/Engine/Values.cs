using Vigil.Tsdb.Storage;

// The values a PromQL query returns (Prometheus's promql.Value: Scalar, String, Vector, Matrix). The engine
// produces them and the HTTP API writes them; neither side needs anything else of the other (issue 6).
// Timestamps are milliseconds since the Unix epoch; float values keep their exact bits (NaN payloads, -0).
namespace Vigil.PromQL.Engine;

/// <summary>One float point of a series (Prometheus's <c>FPoint</c>).</summary>
internal readonly record struct FPoint(long T, double F);

/// <summary>One element of an instant vector (Prometheus's <c>promql.Sample</c>).</summary>
internal readonly record struct Sample(Labels Metric, long T, double F);

/// <summary>One series of a range-query result or range vector (Prometheus's <c>promql.Series</c>), points in time order.</summary>
internal sealed record Series(Labels Metric, IReadOnlyList<FPoint> Points);

/// <summary>A query's result value; <see cref="Type"/> is its <c>resultType</c>.</summary>
internal abstract record QueryValue
{
    public abstract ValueType Type { get; }
}

internal sealed record ScalarValue(long T, double F) : QueryValue
{
    public override ValueType Type => ValueType.Scalar;
}

internal sealed record StringValue(long T, string Value) : QueryValue
{
    public override ValueType Type => ValueType.String;
}

/// <summary>An instant vector, in the engine's output order (sorted by labels unless the query sorts, as Prometheus does).</summary>
internal sealed record VectorValue(IReadOnlyList<Sample> Samples) : QueryValue
{
    public override ValueType Type => ValueType.Vector;
}

/// <summary>A matrix: range-query results (sorted by labels) or an instant query of a range vector.</summary>
internal sealed record MatrixValue(IReadOnlyList<Series> Series) : QueryValue
{
    public override ValueType Type => ValueType.Matrix;
}

/// <summary>A query's value plus its non-fatal warnings (from storage, e.g. a partial remote answer).</summary>
internal sealed record QueryResult(QueryValue Value, IReadOnlyList<string> Warnings);
