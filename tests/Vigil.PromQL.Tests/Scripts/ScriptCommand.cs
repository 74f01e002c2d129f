namespace Vigil.PromQL.Tests.Scripts;

/// <summary>What an <c>eval</c> command expects: results, or a failure (optionally with its message or a regex of it).</summary>
internal sealed class EvalCommand
{
    public required int Line { get; init; }

    public required string Query { get; init; }

    /// <summary>Instant queries: the time; range queries: the start. Milliseconds.</summary>
    public required long Start { get; init; }

    public long End { get; init; }

    public long Step { get; init; }

    public bool IsRange { get; init; }

    /// <summary><c>eval_ordered</c>: the vector's order must match too.</summary>
    public bool Ordered { get; init; }

    /// <summary><c>eval_fail</c>.</summary>
    public bool ExpectFailure { get; init; }

    public string? FailMessage { get; set; }

    public string? FailRegex { get; set; }

    /// <summary>Expected lines: a label set (null for a scalar or string) and its points (null where missing).</summary>
    public List<ExpectedSeries> Expected { get; } = [];
}

/// <summary>One expected output line; <see cref="Times"/> is set for an instant query's range-vector result (<c>v@t</c>).</summary>
internal sealed record ExpectedSeries(int Line, string? LabelsText, List<double?> Values, List<long?> Times);
