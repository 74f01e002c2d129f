using System.Runtime.ExceptionServices;

namespace Vigil.PromQL;

// format_query of deeply nested queries (issue 6: 10,000 parentheses must be answered, not crash the server).
internal static partial class Prettier
{
    /// <summary>Queries longer than this may nest deeper than a pool thread's stack allows parsing and printing.</summary>
    private const int LongQuery = 2_000;

    /// <summary>The stack of a long query's thread: reserved address space, committed only as deep as the query goes.</summary>
    private const int BigStack = 256 * 1024 * 1024;

    /// <summary>
    /// Parses <paramref name="query"/> and pretty-prints it, as <c>/api/v1/format_query</c> does. The parser and the
    /// printer recurse, so a long query runs on its own thread with a big stack (as the engine runs long queries):
    /// Prometheus answers deep nesting, and anything deeper still is refused by the parser's stack check, never a
    /// crash. Throws <see cref="PromQLParseException"/> for a query that does not parse.
    /// </summary>
    public static string Format(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length <= LongQuery)
        {
            return Pretty(Parser.Parse(query));
        }

        string? result = null;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = Pretty(Parser.Parse(query));
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
            },
            BigStack)
        {
            Name = "vigil-format-query",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result!;
    }
}
