using System.Buffers;

namespace Vigil.PromQL.Engine;

/// <summary>
/// One range function bound to its scalar arguments: the name is resolved once per call, so the per-step
/// dispatch is a switch on an enum, and the kernels (branch promql-funcs, <see cref="RangeKernels"/>) do the math.
/// </summary>
internal sealed class RangeKernel : IDisposable
{
    private readonly Kind _kind;
    private readonly double[][] _scalars;
    private double[] _scratch = [];

    public RangeKernel(string name, double[][] scalars, int matrixIndex)
    {
        _kind = Enum.TryParse<Kind>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var kind)
            ? kind
            : throw new QueryException(QueryErrorKind.Internal, $"no range kernel for {name}");
        _scalars = scalars;
        _ = matrixIndex;
    }

    private enum Kind
    {
        Rate, Increase, Delta, Irate, Idelta, Deriv, PredictLinear, HoltWinters, Resets, Changes,
        AvgOverTime, SumOverTime, CountOverTime, MinOverTime, MaxOverTime, LastOverTime, PresentOverTime,
        StddevOverTime, StdvarOverTime, QuantileOverTime, AbsentOverTime,
    }

    /// <summary>last_over_time acts like a selector with an offset, so it keeps the metric name (engine.go).</summary>
    public bool KeepsName => _kind == Kind.LastOverTime;

    /// <summary>The function of one window; <paramref name="ts"/> is the evaluation time, <paramref name="step"/> indexes the scalar arguments.</summary>
    public bool TryApply(ReadOnlySpan<FPoint> points, long rangeStart, long rangeEnd, long ts, int step, out double value)
    {
        switch (_kind)
        {
            case Kind.Rate: return RangeKernels.Rate(points, rangeStart, rangeEnd, out value);
            case Kind.Increase: return RangeKernels.Increase(points, rangeStart, rangeEnd, out value);
            case Kind.Delta: return RangeKernels.Delta(points, rangeStart, rangeEnd, out value);
            case Kind.Irate: return RangeKernels.Irate(points, out value);
            case Kind.Idelta: return RangeKernels.Idelta(points, out value);
            case Kind.Deriv: return RangeKernels.Deriv(points, out value);
            case Kind.PredictLinear: return RangeKernels.PredictLinear(points, ts, _scalars[1][step], out value);
            case Kind.HoltWinters: return RangeKernels.HoltWinters(points, _scalars[1][step], _scalars[2][step], out value);
            case Kind.Resets: return RangeKernels.Resets(points, out value);
            case Kind.Changes: return RangeKernels.Changes(points, out value);
            case Kind.AvgOverTime: return RangeKernels.AvgOverTime(points, out value);
            case Kind.SumOverTime: return RangeKernels.SumOverTime(points, out value);
            case Kind.CountOverTime: return RangeKernels.CountOverTime(points, out value);
            case Kind.MinOverTime: return RangeKernels.MinOverTime(points, out value);
            case Kind.MaxOverTime: return RangeKernels.MaxOverTime(points, out value);
            case Kind.LastOverTime: return RangeKernels.LastOverTime(points, out value);
            case Kind.PresentOverTime: return RangeKernels.PresentOverTime(points, out value);
            case Kind.StddevOverTime: return RangeKernels.StddevOverTime(points, out value);
            case Kind.StdvarOverTime: return RangeKernels.StdvarOverTime(points, out value);
            case Kind.QuantileOverTime: return RangeKernels.QuantileOverTime(points, _scalars[0][step], Scratch(points.Length), out value);
            default:
                value = 0;
                return false;
        }
    }

    public void Dispose()
    {
        if (_scratch.Length > 0)
        {
            ArrayPool<double>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private Span<double> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            Dispose();
            _scratch = ArrayPool<double>.Shared.Rent(length);
        }

        return _scratch;
    }
}
