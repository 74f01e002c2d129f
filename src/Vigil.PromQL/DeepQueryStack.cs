using System.Runtime.ExceptionServices;

namespace Vigil.PromQL;

/// <summary>
/// Runs work on a long query with room to recurse. Prometheus answers deeply nested queries (Go stacks grow, its
/// yacc parser keeps its stack on the heap); our parser, printer and evaluator recurse, so a long query runs on its
/// own thread with a big stack, and anything deeper still is refused as bad_data by their stack checks
/// (RuntimeHelpers.TryEnsureSufficientExecutionStack), never a crash (issue 6: 10,000 parentheses). Short queries,
/// nearly all of them, run on the caller's thread.
/// </summary>
internal static class DeepQueryStack
{
    /// <summary>Queries longer than this may nest deeper than a pool thread's stack allows.</summary>
    private const int LongQuery = 2_000;

    /// <summary>Reserved address space, committed only as deep as the query goes.</summary>
    private const int BigStack = 256 * 1024 * 1024;

    public static T Run<T>(string? query, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (query is null || query.Length <= LongQuery)
        {
            return work();
        }

        T? result = default;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work();
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
