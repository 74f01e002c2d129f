using System.Globalization;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>How a listed query is run: as an instant query, a range query, or both (the default).</summary>
[Flags]
internal enum QueryModes
{
    Instant = 1,
    Range = 2,
    Both = Instant | Range,
}

/// <summary>One line of <c>queries.txt</c>: the expression, how it runs, and its line number for messages.</summary>
internal sealed record ListedQuery(int Line, QueryModes Modes, string Expression)
{
    /// <summary>
    /// True when Prometheus orders the instant result, so the order is compared too: <c>sort</c>, <c>sort_desc</c>,
    /// and <c>topk</c>/<c>bottomk</c> over one group (2.42 answers each group's heap sorted by value).
    /// </summary>
    public bool IsOrdered
    {
        get
        {
            var text = Expression.TrimStart();
            if (text.StartsWith("sort(", StringComparison.Ordinal) || text.StartsWith("sort_desc(", StringComparison.Ordinal))
            {
                return true;
            }

            return (text.StartsWith("topk", StringComparison.Ordinal) || text.StartsWith("bottomk", StringComparison.Ordinal))
                && !text.Contains(" by", StringComparison.Ordinal) && !text.Contains(" without", StringComparison.Ordinal);
        }
    }

    /// <summary>The expression with <c>$START</c>, <c>$MID</c> and <c>$END</c> replaced by Unix seconds of the data set.</summary>
    public string Resolve(long startMs, long endMs)
    {
        static string Seconds(long ms) => (ms / 1000).ToString(CultureInfo.InvariantCulture);
        return Expression
            .Replace("$START", Seconds(startMs), StringComparison.Ordinal)
            .Replace("$MID", Seconds((startMs + endMs) / 2), StringComparison.Ordinal)
            .Replace("$END", Seconds(endMs), StringComparison.Ordinal);
    }
}

/// <summary>
/// Reads <c>queries.txt</c>: one PromQL expression a line; blank lines and lines starting with <c>#</c> are
/// skipped; a line may start with <c>instant </c> or <c>range </c> to run only that way (for example range-vector
/// expressions, which a range query refuses, or queries whose point is one evaluation time).
/// </summary>
internal static class QueryList
{
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "PromQL", "queries.txt");

    public static List<ListedQuery> Load(string path)
    {
        var queries = new List<ListedQuery>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var (modes, expression) = line switch
            {
                _ when line.StartsWith("instant ", StringComparison.Ordinal) => (QueryModes.Instant, line[8..]),
                _ when line.StartsWith("range ", StringComparison.Ordinal) => (QueryModes.Range, line[6..]),
                _ => (QueryModes.Both, line),
            };
            queries.Add(new ListedQuery(i + 1, modes, expression.Trim()));
        }

        return queries;
    }
}
