using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests.Scripts;

internal sealed partial class ScriptRunner
{
    private static readonly Regex s_instant = new(@"^instant\s+at\s+(\S+)\s+(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex s_range = new(@"^range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$", RegexOptions.CultureInvariant);

    private static EvalCommand ParseEval(string kind, string args, int lineNo, List<(int Line, string Text)> body)
    {
        EvalCommand eval;
        if (s_instant.Match(args) is { Success: true } im)
        {
            eval = new EvalCommand
            {
                Line = lineNo, Query = im.Groups[2].Value, Start = ParseDuration(im.Groups[1].Value),
                Ordered = kind == "eval_ordered", ExpectFailure = kind == "eval_fail",
            };
        }
        else if (s_range.Match(args) is { Success: true } rm)
        {
            eval = new EvalCommand
            {
                Line = lineNo, Query = rm.Groups[4].Value, Start = ParseDuration(rm.Groups[1].Value),
                End = ParseDuration(rm.Groups[2].Value), Step = ParseDuration(rm.Groups[3].Value), IsRange = true,
                ExpectFailure = kind == "eval_fail",
            };
        }
        else
        {
            throw new FormatException("expected \"instant at <time> <expr>\" or \"range from <t> to <t> step <d> <expr>\"");
        }

        foreach (var (line, text) in body)
        {
            ParseExpectation(eval, line, text);
        }

        return eval;
    }

    private static void ParseExpectation(EvalCommand eval, int line, string text)
    {
        if (text.StartsWith("expected_fail_message ", StringComparison.Ordinal))
        {
            eval.FailMessage = text["expected_fail_message ".Length..];
            return;
        }

        if (text.StartsWith("expected_fail_regexp ", StringComparison.Ordinal))
        {
            eval.FailRegex = text["expected_fail_regexp ".Length..];
            return;
        }

        bool bare = text[0] is (>= '0' and <= '9') or '-' or '+' or '.' || text is "NaN" or "Inf" || text.StartsWith('"');
        var (labelsText, rest) = bare ? (null, text) : ScriptValues.SplitLabels(text);
        if (labelsText is not null)
        {
            _ = ScriptValues.ParseLabels(labelsText);
        }

        var values = new List<double?>();
        var times = new List<long?>();
        foreach (var item in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int at = item.IndexOf('@', StringComparison.Ordinal);
            if (at > 0)
            {
                values.Add(ScriptValues.ParseNumber(item[..at]));
                times.Add(ParseDuration(item[(at + 1)..]));
            }
            else if (item.StartsWith('"'))
            {
                values.Add(null);
                times.Add(null);
                labelsText = item;
            }
            else
            {
                values.AddRange(ScriptValues.Expand([item]));
            }
        }

        eval.Expected.Add(new ExpectedSeries(line, labelsText, values, times));
    }

    private void Evaluate(EvalCommand eval)
    {
        QueryResult result;
        try
        {
            var engine = new QueryEngine(_options);
            result = eval.IsRange
                ? engine.RangeQuery(_head, eval.Query, eval.Start, eval.End, eval.Step, CancellationToken.None)
                : engine.InstantQuery(_head, eval.Query, eval.Start, CancellationToken.None);
        }
        catch (QueryException e)
        {
            CheckFailure(eval, e);
            return;
        }

        if (eval.ExpectFailure)
        {
            Fail(eval.Line, $"expected an error from {eval.Query}, got {Describe(result.Value)}");
            return;
        }

        string? problem = result.Value switch
        {
            ScalarValue s => CompareScalar(eval, s.F),
            StringValue s => eval.Expected is [{ LabelsText: var t }] && t == Quote(s.Value) ? null : $"got string {Quote(s.Value)}",
            VectorValue v => CompareVector(eval, v.Samples),
            MatrixValue m => eval.IsRange ? CompareRange(eval, m.Series) : CompareMatrix(eval, m.Series),
            _ => "unknown result",
        };
        if (problem is not null)
        {
            Fail(eval.Line, $"{eval.Query}: {problem}\n  result: {Describe(result.Value)}");
        }
    }

    private void CheckFailure(EvalCommand eval, QueryException e)
    {
        if (!eval.ExpectFailure)
        {
            Fail(eval.Line, $"{eval.Query}: unexpected error ({e.ErrorType}): {e.Message}");
        }
        else if (eval.FailMessage is { } m && !string.Equals(m, e.Message, StringComparison.Ordinal))
        {
            Fail(eval.Line, $"{eval.Query}: expected error \"{m}\", got \"{e.Message}\"");
        }
        else if (eval.FailRegex is { } r && !Regex.IsMatch(e.Message, r, RegexOptions.CultureInvariant))
        {
            Fail(eval.Line, $"{eval.Query}: expected error matching /{r}/, got \"{e.Message}\"");
        }
    }

    private static string Quote(string s) => "\"" + s + "\"";

    /// <summary>promqltest's <c>almostEqual</c>: NaN equals NaN, otherwise a relative error below 1e-6.</summary>
    internal static bool AlmostEqual(double a, double b)
    {
        if ((double.IsNaN(a) && double.IsNaN(b)) || a == b)
        {
            return true;
        }

        double diff = Math.Abs(a - b), sum = Math.Abs(a) + Math.Abs(b);
        const double MinNormal = 2.2250738585072014e-308;
        return a == 0 || b == 0 || sum < MinNormal ? diff < 1e-6 * MinNormal : diff / Math.Min(sum, double.MaxValue) < 1e-6;
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
