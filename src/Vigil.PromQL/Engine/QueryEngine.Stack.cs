using System.Runtime.ExceptionServices;

namespace Vigil.PromQL.Engine;

internal sealed partial class QueryEngine
{
    /// <summary>Queries longer than this may nest deeper than a pool thread's stack allows the parser and evaluator.</summary>
    private const int LongQuery = 2_000;

    /// <summary>Stack for long queries: enough for the 10,000 nested parentheses of issue 6's acceptance, and more.</summary>
    private const int BigStack = 256 * 1024 * 1024;

    /// <summary>
    /// Runs a long query on its own thread with a big stack. Prometheus answers deeply nested queries (Go stacks
    /// grow, its yacc parser keeps its stack on the heap); our parser and evaluator recurse, so a long query gets
    /// room to recurse instead of an error, and anything deeper still is refused as bad_data by their stack checks
    /// (RuntimeHelpers.TryEnsureSufficientExecutionStack), never a crash. Short queries, nearly all of them, run
    /// on the caller's thread. The stack is reserved address space, committed only as deep as the query goes.
    /// </summary>
    private static QueryResult WithStackFor(string query, Func<QueryResult> run)
    {
        if (query is null || query.Length <= LongQuery)
        {
            return run();
        }

        QueryResult? result = null;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = run();
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
            },
            BigStack)
        {
            Name = "vigil-promql-deep",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result!;
    }
}
