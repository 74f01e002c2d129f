using System.Globalization;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>
/// Compares a candidate's answer with the reference's (Prometheus 2.42), as issue 6 asks: the same HTTP status,
/// <c>status</c> and <c>errorType</c>; the same result type and series (label sets); the same timestamps; values
/// within 1e-9 relative error, NaN equal to NaN and infinities equal only to themselves. Series order is compared
/// only when <paramref name="ordered"/> (results Prometheus sorts), and then by value, because Go's sort is not
/// stable and ties may come in any order.
/// </summary>
internal static class AnswerComparer
{
    public const double RelativeTolerance = 1e-9;
    private const int MaxDifferencesShown = 6;

    public static List<string> Compare(ApiAnswer expected, ApiAnswer actual, bool ordered)
    {
        var differences = new List<string>();
        if (expected.HttpStatus != actual.HttpStatus || expected.Status != actual.Status || expected.ErrorType != actual.ErrorType)
        {
            differences.Add($"answer: expected {expected.Describe()}; got {actual.Describe()}");
            return differences;
        }

        if (expected.Status != "success")
        {
            return differences;
        }

        if (expected.ResultType != actual.ResultType)
        {
            differences.Add($"resultType: expected {expected.ResultType}, got {actual.ResultType}");
            return differences;
        }

        CompareSeries(expected, actual, differences);
        if (ordered && differences.Count == 0)
        {
            CompareOrder(expected, actual, differences);
        }

        return differences.Count <= MaxDifferencesShown
            ? differences
            : [.. differences.Take(MaxDifferencesShown), $"… and {(differences.Count - MaxDifferencesShown).ToString(CultureInfo.InvariantCulture)} more differences"];
    }

    private static void CompareSeries(ApiAnswer expected, ApiAnswer actual, List<string> differences)
    {
        var actualByLabels = Index(actual, differences, "candidate");
        var expectedByLabels = Index(expected, differences, "reference");
        foreach (var (labels, series) in expectedByLabels)
        {
            if (!actualByLabels.TryGetValue(labels, out var other))
            {
                differences.Add($"missing series {labels} ({series.Points.Count} points)");
                continue;
            }

            ComparePoints(labels, series.Points, other.Points, differences);
        }

        foreach (var labels in actualByLabels.Keys.Where(l => !expectedByLabels.ContainsKey(l)))
        {
            differences.Add($"unexpected series {labels}");
        }
    }

    private static Dictionary<string, AnswerSeries> Index(ApiAnswer answer, List<string> differences, string who)
    {
        var index = new Dictionary<string, AnswerSeries>(StringComparer.Ordinal);
        foreach (var series in answer.Series)
        {
            if (!index.TryAdd(series.Labels, series))
            {
                differences.Add($"{who} answered series {series.Labels} twice");
            }
        }

        return index;
    }

    private static void ComparePoints(string labels, IReadOnlyList<AnswerPoint> expected, IReadOnlyList<AnswerPoint> actual, List<string> differences)
    {
        if (expected.Count != actual.Count)
        {
            differences.Add($"{labels}: expected {expected.Count} points, got {actual.Count}" + FirstTimeDifference(expected, actual));
            return;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].Time != actual[i].Time)
            {
                differences.Add($"{labels}: point {i}: expected time {Seconds(expected[i].Time)}, got {Seconds(actual[i].Time)}");
                return;
            }

            if (!ValuesEqual(expected[i].Value, actual[i].Value))
            {
                differences.Add($"{labels} @{Seconds(expected[i].Time)}: expected {expected[i].Value}, got {actual[i].Value}");
                return;
            }
        }
    }

    private static void CompareOrder(ApiAnswer expected, ApiAnswer actual, List<string> differences)
    {
        for (var i = 0; i < expected.Series.Count; i++)
        {
            var want = expected.Series[i].Points[0].Value;
            var got = actual.Series[i].Points[0].Value;
            if (!ValuesEqual(want, got))
            {
                differences.Add($"order: series {i} should hold {want} ({expected.Series[i].Labels}), holds {got} ({actual.Series[i].Labels})");
                return;
            }
        }
    }

    /// <summary>Equal within <see cref="RelativeTolerance"/>; NaN equals NaN; an infinity only itself; text compared as text.</summary>
    public static bool ValuesEqual(string expected, string actual)
    {
        if (expected == actual)
        {
            return true;
        }

        if (ApiAnswer.ParseValue(expected) is not { } a || ApiAnswer.ParseValue(actual) is not { } b)
        {
            return false;
        }

        if (double.IsNaN(a) || double.IsNaN(b) || double.IsInfinity(a) || double.IsInfinity(b))
        {
            return a.Equals(b);
        }

        return Math.Abs(a - b) <= RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b));
    }

    private static string FirstTimeDifference(IReadOnlyList<AnswerPoint> expected, IReadOnlyList<AnswerPoint> actual)
    {
        var wanted = expected.Select(p => p.Time).ToHashSet();
        var got = actual.Select(p => p.Time).ToHashSet();
        var missing = wanted.Except(got).Order().FirstOrDefault(double.NaN);
        var extra = got.Except(wanted).Order().FirstOrDefault(double.NaN);
        return $" (first missing {Seconds(missing)}, first extra {Seconds(extra)})";
    }

    private static string Seconds(double time) => time.ToString("0.###", CultureInfo.InvariantCulture);
}
