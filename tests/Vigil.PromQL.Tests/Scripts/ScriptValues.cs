using System.Globalization;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests.Scripts;

/// <summary>
/// The value notation of test scripts, for loaded series and for expected range results: space-separated items,
/// each one or more points. <c>3</c>, <c>-2.5</c>, <c>NaN</c>, <c>Inf</c>, <c>-Inf</c> are one point; <c>_</c> is a
/// missing point and <c>_xN</c> N of them; <c>stale</c> is a stale marker; <c>a+bxN</c> (or <c>a-bxN</c>) is the
/// N+1 points a, a+b, ..., a+N·b, and <c>axN</c> the value a N+1 times.
/// </summary>
internal static class ScriptValues
{
    /// <summary>A stale marker's exact bits (Prometheus's <c>value.StaleNaN</c>).</summary>
    public static readonly double StaleMarker = BitConverter.Int64BitsToDouble(0x7ff0000000000002);

    /// <summary>Expands <paramref name="items"/>; a missing point is null.</summary>
    public static List<double?> Expand(IEnumerable<string> items)
    {
        var result = new List<double?>();
        foreach (var item in items)
        {
            ExpandItem(item, result);
        }

        return result;
    }

    public static double ParseNumber(string text) => text switch
    {
        "NaN" => double.NaN,
        "Inf" or "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "stale" => StaleMarker,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new FormatException($"bad number \"{text}\""),
    };

    /// <summary>A label set written as a selector of equality matchers: <c>name{a="b"}</c> or <c>{a="b"}</c>; <c>{}</c> is empty.</summary>
    public static Labels ParseLabels(string text)
    {
        if (text == "{}")
        {
            return Labels.Empty;
        }

        var matchers = Parser.ParseMetricSelector(text);
        var pairs = new (string, string)[matchers.Count];
        for (int i = 0; i < matchers.Count; i++)
        {
            if (matchers[i].Type != LabelMatchType.Equal)
            {
                throw new FormatException($"labels must use '=', not {matchers[i]}");
            }

            pairs[i] = (matchers[i].Name, matchers[i].Value);
        }

        return Labels.FromPairs(pairs);
    }

    /// <summary>Splits a line into its label set (up to the closing brace, or the bare name) and the rest.</summary>
    public static (string Labels, string Values) SplitLabels(string line)
    {
        int brace = line.IndexOf('{', StringComparison.Ordinal);
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (brace < 0 || (space >= 0 && space < brace))
        {
            return space < 0 ? (line, "") : (line[..space], line[(space + 1)..].Trim());
        }

        bool quoted = false;
        for (int i = brace; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '}' && !quoted)
            {
                return (line[..(i + 1)], line[(i + 1)..].Trim());
            }
        }

        throw new FormatException("unclosed '{' in " + line);
    }

    private static void ExpandItem(string item, List<double?> result)
    {
        int x = item.LastIndexOf('x');
        if (x <= 0 || !int.TryParse(item.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            result.Add(item == "_" ? null : ParseNumber(item));
            return;
        }

        string head = item[..x];
        if (head == "_")
        {
            result.AddRange(Enumerable.Repeat<double?>(null, n));
            return;
        }

        int sign = FindStepSign(head);
        double start = ParseNumber(sign < 0 ? head : head[..sign]);
        double step = sign < 0 ? 0 : ParseNumber(head[sign..]);
        // Accumulated, as promqltest does, so a fractional step gives the same float rounding.
        for (int i = 0; i <= n; i++, start += step)
        {
            result.Add(start);
        }
    }

    /// <summary>The '+' or '-' between a and b in <c>a+b</c>: not a leading sign, not an exponent's.</summary>
    private static int FindStepSign(string head)
    {
        for (int i = 1; i < head.Length; i++)
        {
            if (head[i] is '+' or '-' && head[i - 1] is not ('e' or 'E'))
            {
                return i;
            }
        }

        return -1;
    }
}
