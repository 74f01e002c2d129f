using System.Buffers;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// One series of an instant-vector node, evaluated at every step of the query at once: a dense value per step and
/// whether the series has a value there. Prometheus keeps a list of (t, v) points per series instead; dense steps
/// let binary operators and aggregations run as straight loops over arrays, with no per-step lookups. The arrays
/// are rented from the shared pool and returned by <see cref="Release"/> once the node's consumer is done.
/// </summary>
internal sealed class StepSeries
{
    private readonly QueryLimits _limits;
    private readonly int _steps;

    private StepSeries(Labels metric, double[] values, bool[] has, QueryLimits limits, int steps)
    {
        Metric = metric;
        Values = values;
        Has = has;
        (_limits, _steps) = (limits, steps);
    }

    public Labels Metric { get; set; }

    /// <summary>The value at each step; meaningful only where <see cref="Has"/> is true. Longer than the step count.</summary>
    public double[] Values { get; private set; }

    public bool[] Has { get; private set; }

    /// <summary>Steps that have a value; kept by whoever fills the arrays (the sample limit counts these).</summary>
    public int Count { get; set; }

    /// <summary>
    /// Rents the arrays for <paramref name="steps"/> steps. They are charged to the query's step budget until
    /// released: dense steps cost memory even where a series has no value, so a long subquery over many series
    /// is refused as "too many samples" rather than exhausting memory.
    /// </summary>
    public static StepSeries Rent(Labels metric, int steps, QueryLimits limits)
    {
        limits.TakeSteps(steps);
        var has = ArrayPool<bool>.Shared.Rent(steps);
        Array.Clear(has, 0, steps);
        return new StepSeries(metric, ArrayPool<double>.Shared.Rent(steps), has, limits, steps);
    }

    /// <summary>Sets step <paramref name="step"/>, counting it if it was empty.</summary>
    public void Set(int step, double value)
    {
        if (!Has[step])
        {
            Has[step] = true;
            Count++;
        }

        Values[step] = value;
    }

    /// <summary>Returns the arrays to the pool; the series must not be used afterwards.</summary>
    public void Release()
    {
        if (Values.Length > 0)
        {
            ArrayPool<double>.Shared.Return(Values);
            ArrayPool<bool>.Shared.Return(Has);
            Values = [];
            Has = [];
            _limits.FreeSteps(_steps);
        }
    }

    /// <summary>Recounts <see cref="Count"/> after a kernel cleared steps in place.</summary>
    public void Recount(int steps) => Count = Has.AsSpan(0, steps).Count(true);
}

/// <summary>The value of a node over all steps: exactly one of the shapes is set, as its <see cref="Type"/> says.</summary>
internal sealed class StepValue
{
    private StepValue(ValueType type) => Type = type;

    public ValueType Type { get; }

    /// <summary>An instant vector's series, in the order Prometheus would produce them at one step.</summary>
    public List<StepSeries> Vector { get; private init; } = [];

    /// <summary>A scalar's value at each step.</summary>
    public double[] Scalar { get; private init; } = [];

    public string String { get; private init; } = "";

    /// <summary>A range vector (only as a query's own result): the points of each series in its window.</summary>
    public List<Series> Matrix { get; private init; } = [];

    public static StepValue OfVector(List<StepSeries> series) => new(ValueType.Vector) { Vector = series };

    public static StepValue OfScalar(double[] values) => new(ValueType.Scalar) { Scalar = values };

    public static StepValue OfString(string value) => new(ValueType.String) { String = value };

    public static StepValue OfMatrix(List<Series> series) => new(ValueType.Matrix) { Matrix = series };

    public void Release()
    {
        foreach (var s in Vector)
        {
            s.Release();
        }
    }
}
