using System.Text;
using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests.Scripts;

internal sealed partial class ScriptRunner
{
    private static string? CompareScalar(EvalCommand eval, double value)
    {
        if (eval.Expected is not [{ LabelsText: null, Values: [double expected] }])
        {
            return "got a scalar; expect it as a line holding only the value";
        }

        return AlmostEqual(value, expected) ? null : $"expected scalar {Format(expected)}, got {Format(value)}";
    }

    private static string? CompareVector(EvalCommand eval, IReadOnlyList<Sample> samples)
    {
        if (samples.Count != eval.Expected.Count)
        {
            return $"expected {eval.Expected.Count} samples, got {samples.Count}";
        }

        var unmatched = samples.ToList();
        for (int i = 0; i < eval.Expected.Count; i++)
        {
            var expected = eval.Expected[i];
            var labels = ScriptValues.ParseLabels(expected.LabelsText ?? "{}");
            int index = eval.Ordered ? (samples[i].Metric.Equals(labels) ? i : -1) : unmatched.FindIndex(s => s.Metric.Equals(labels));
            if (index < 0)
            {
                return eval.Ordered ? $"line {expected.Line}: expected {labels} at position {i}" : $"line {expected.Line}: no sample {labels}";
            }

            var sample = eval.Ordered ? samples[index] : unmatched[index];
            if (expected.Values is not [double v] || !AlmostEqual(v, sample.F))
            {
                return $"line {expected.Line}: {labels} expected {string.Join(' ', expected.Values)}, got {Format(sample.F)}";
            }

            if (!eval.Ordered)
            {
                unmatched.RemoveAt(index);
            }
        }

        return null;
    }

    /// <summary>Each expected line must name a series of the result, and the counts must agree; <paramref name="compare"/> checks its points.</summary>
    private static string? CompareSeries(EvalCommand eval, IReadOnlyList<Series> series, Func<ExpectedSeries, Series, string?> compare)
    {
        if (series.Count != eval.Expected.Count)
        {
            return $"expected {eval.Expected.Count} series, got {series.Count}";
        }

        foreach (var expected in eval.Expected)
        {
            var labels = ScriptValues.ParseLabels(expected.LabelsText ?? "{}");
            var actual = series.FirstOrDefault(s => s.Metric.Equals(labels));
            string? problem = actual is null ? $"line {expected.Line}: no series {labels}" : compare(expected, actual);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>A range query: each expected line gives the value at every step, <c>_</c> where the series has none.</summary>
    private static string? CompareRange(EvalCommand eval, IReadOnlyList<Series> series) => CompareSeries(eval, series, (expected, actual) =>
    {
        var steps = new double?[expected.Values.Count];
        foreach (var p in actual.Points)
        {
            long index = (p.T - eval.Start) / eval.Step;
            if (index >= steps.Length)
            {
                return $"line {expected.Line}: {actual.Metric} has a point at step {index}, past the {steps.Length} expected";
            }

            steps[index] = p.F;
        }

        for (int i = 0; i < steps.Length; i++)
        {
            if (steps[i] is null != expected.Values[i] is null
                || (steps[i] is double a && expected.Values[i] is double b && !AlmostEqual(a, b)))
            {
                return $"line {expected.Line}: {actual.Metric} step {i}: expected {Show(expected.Values[i])}, got {Show(steps[i])}";
            }
        }

        return null;
    });

    /// <summary>An instant query of a range vector: each line lists the points as <c>value@time</c>.</summary>
    private static string? CompareMatrix(EvalCommand eval, IReadOnlyList<Series> series) => CompareSeries(eval, series, (expected, actual) =>
    {
        if (actual.Points.Count != expected.Values.Count)
        {
            return $"line {expected.Line}: {actual.Metric} has {actual.Points.Count} points, expected {expected.Values.Count}";
        }

        for (int i = 0; i < expected.Values.Count; i++)
        {
            var p = actual.Points[i];
            if (!AlmostEqual(p.F, expected.Values[i] ?? double.NaN) || (expected.Times[i] is long t && t != p.T))
            {
                return $"line {expected.Line}: {actual.Metric} point {i}: expected {Show(expected.Values[i])}@{expected.Times[i]}, got {Format(p.F)}@{p.T}";
            }
        }

        return null;
    });

    private static string Show(double? v) => v is double d ? Format(d) : "_";

    private static string Describe(QueryValue value)
    {
        var sb = new StringBuilder();
        switch (value)
        {
            case ScalarValue s:
                sb.Append("scalar ").Append(Format(s.F));
                break;
            case StringValue s:
                sb.Append("string ").Append(Quote(s.Value));
                break;
            case VectorValue v:
                sb.Append("vector");
                foreach (var s in v.Samples)
                {
                    sb.Append("\n    ").Append(s.Metric).Append(' ').Append(Format(s.F));
                }

                break;
            case MatrixValue m:
                sb.Append("matrix");
                foreach (var s in m.Series)
                {
                    sb.Append("\n    ").Append(s.Metric).Append(' ').AppendJoin(' ', s.Points.Select(p => $"{Format(p.F)}@{p.T / 1000.0}"));
                }

                break;
        }

        return sb.ToString();
    }
}
