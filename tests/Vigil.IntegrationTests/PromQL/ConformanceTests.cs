using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.IntegrationTests.PromQL;

[CollectionDefinition(Name)]
public sealed class PromQLPeersCollection : ICollectionFixture<ConformancePeers>
{
    public const string Name = "promql-peers";
}

/// <summary>
/// Issue 6 acceptance, conformance: every query of <c>queries.txt</c> runs as an instant query (at the data's last
/// sample and at an unaligned time in its middle) and as a range query (unaligned start, 60 s step) against a
/// real Prometheus 2.42 and against Vigil, loaded with the same remote-write bodies; the answers must match
/// (<see cref="AnswerComparer"/>). Prints the list's summary and every mismatch, and writes them to
/// <c>promql-conformance-report.txt</c> next to the test assembly.
/// </summary>
[Collection(PromQLPeersCollection.Name)]
public sealed class ConformanceTests(ConformancePeers peers, ITestOutputHelper output)
{
    private const long RangeStepMs = 60_000;

    [PeerFact("prometheus")]
    public async Task Every_listed_query_answers_as_prometheus_2_42_does()
    {
        await peers.EnsureStartedAsync();
        var queries = QueryList.Load(QueryList.DefaultPath);
        var mismatches = new List<string>();
        var evaluations = 0;
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var referenceErrors = new List<string>();
        foreach (var query in queries)
        {
            foreach (var (what, reference, candidate) in Evaluate(query))
            {
                evaluations++;
                var answers = await Task.WhenAll(reference, candidate);
                var outcome = Outcome(answers[0]);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (answers[0].Status != "success" && what != "instant@mid")
                {
                    referenceErrors.Add($"line {query.Line.ToString(CultureInfo.InvariantCulture)} {what}: {query.Expression} -> {answers[0].ErrorType}: {answers[0].Error}");
                }

                var differences = AnswerComparer.Compare(answers[0], answers[1], query.IsOrdered && what.StartsWith("instant", StringComparison.Ordinal));
                if (differences.Count > 0)
                {
                    mismatches.Add($"line {query.Line.ToString(CultureInfo.InvariantCulture)} {what}: {query.Expression}\n    " + string.Join("\n    ", differences));
                }
            }
        }

        Assert.False(peers.CandidateProcess.HasExited, $"{peers.CandidateName} exited during the run: {peers.CandidateProcess.Describe()}");
        var report = Report(queries, evaluations, outcomes, mismatches) + "\nerrors the reference answered (compared like any answer):\n" + string.Join('\n', referenceErrors);
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "promql-conformance-report.txt"), report);
        Assert.True(queries.Count >= 300, $"queries.txt lists {queries.Count} queries; issue 6 asks for at least 300");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {evaluations} evaluations differ from Prometheus 2.42:\n{string.Join('\n', mismatches.Take(40))}");
    }

    /// <summary>The list names every function of 2.42 but the native-histogram ones, and every aggregation.</summary>
    [Fact]
    public void Query_list_covers_every_function_and_aggregation()
    {
        var text = string.Join('\n', QueryList.Load(QueryList.DefaultPath).Select(q => q.Expression));
        var missing = PromQLNames.FunctionsAndAggregations.Where(name => !Regex.IsMatch(text, $@"\b{name}\s*\(|\b{name}\s+(by|without)\b")).ToList();
        Assert.True(missing.Count == 0, "queries.txt never calls: " + string.Join(", ", missing));
    }

    private IEnumerable<(string What, Task<ApiAnswer> Reference, Task<ApiAnswer> Candidate)> Evaluate(ListedQuery query)
    {
        var data = peers.Data;
        var expression = query.Resolve(data.StartMs, data.EndMs);
        if (query.Modes.HasFlag(QueryModes.Instant))
        {
            // The last sample's time, and one between samples mid-way (the lookback decides what is seen there).
            foreach (var (name, time) in new[] { ("instant@end", data.EndMs), ("instant@mid", data.StartMs + 3_607_000) })
            {
                yield return (name, QueryClient.InstantAsync(peers.ReferenceUrl, expression, time), QueryClient.InstantAsync(peers.CandidateUrl, expression, time));
            }
        }

        if (query.Modes.HasFlag(QueryModes.Range))
        {
            var start = data.StartMs + 307_000;
            yield return ("range", QueryClient.RangeAsync(peers.ReferenceUrl, expression, start, data.EndMs, RangeStepMs), QueryClient.RangeAsync(peers.CandidateUrl, expression, start, data.EndMs, RangeStepMs));
        }
    }

    /// <summary>What the reference answered, so the summary shows the list is not mostly empty answers or errors.</summary>
    private static string Outcome(ApiAnswer answer) => answer.Status != "success"
        ? $"error {answer.ErrorType}"
        : answer.Series.Count == 0 ? "empty" : answer.ResultType ?? "?";

    private string Report(List<ListedQuery> queries, int evaluations, SortedDictionary<string, int> outcomes, List<string> mismatches)
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"PromQL conformance: reference prometheus 2.42 at {peers.ReferenceUrl}, candidate {peers.CandidateName} at {peers.CandidateUrl}");
        builder.AppendLine(CultureInfo.InvariantCulture, $"data: {peers.LoadSummary}");
        builder.AppendLine(CultureInfo.InvariantCulture, $"queries: {queries.Count} ({queries.Count(q => q.Modes == QueryModes.Both)} instant and range, {queries.Count(q => q.Modes == QueryModes.Instant)} instant only, {queries.Count(q => q.Modes == QueryModes.Range)} range only, {queries.Count(q => q.IsOrdered)} order-sensitive); {evaluations} evaluations");
        builder.AppendLine("reference answers: " + string.Join(", ", outcomes.Select(o => $"{o.Value.ToString(CultureInfo.InvariantCulture)} {o.Key}")));
        builder.AppendLine(CultureInfo.InvariantCulture, $"mismatches: {mismatches.Count}");
        foreach (var mismatch in mismatches)
        {
            builder.AppendLine(mismatch);
        }

        return builder.ToString();
    }
}
