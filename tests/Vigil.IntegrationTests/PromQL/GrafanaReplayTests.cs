using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>
/// Issue 6 acceptance, Grafana compatibility: the requests Grafana's Prometheus data source sends when it is added
/// ("Save &amp; test": build info, then an instant <c>1+1</c> POSTed as a form) and when a dashboard loads (label
/// names, metric names, label values with <c>match[]</c>, series for template variables, <c>query_range</c> with a
/// numeric <c>step</c>, an instant query at a time; POST as Grafana's default "HTTP method: POST" and GET as with
/// "GET"). Each answer must have the shape the Prometheus HTTP API documents; the same check runs on Prometheus
/// 2.42's answer (so the check itself is right), and label, value and series lists must equal Prometheus's.
/// </summary>
[Collection(PromQLPeersCollection.Name)]
public sealed partial class GrafanaReplayTests(ConformancePeers peers, ITestOutputHelper output)
{
    [PeerFact("prometheus")]
    public async Task Grafana_data_source_requests_answer_in_the_documented_shapes()
    {
        await peers.EnsureStartedAsync();
        var failures = new List<string>();
        foreach (var request in Requests(peers.Data))
        {
            var reference = await SendAsync(peers.ReferenceUrl, request);
            var candidate = await SendAsync(peers.CandidateUrl, request);
            Check(request, "prometheus", reference, failures);
            Check(request, peers.CandidateName, candidate, failures);
            if (request.SameDataAsPrometheus && reference.Status == 200 && candidate.Status == 200)
            {
                failures.AddRange(DataDifferences(request, reference.Body, candidate.Body).Select(d => $"{request}: {d}"));
            }

            output.WriteLine($"{request}: prometheus {reference.Status}, {peers.CandidateName} {candidate.Status} ({candidate.Body.Length} bytes)");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static async Task<(int Status, string Body, string? ContentType)> SendAsync(Uri baseUrl, GrafanaRequest request)
    {
        using var message = request.ToMessage(baseUrl);
        using var cts = new CancellationTokenSource(QueryClient.Timeout);
        using var response = await PeerHttp.Client.SendAsync(message, cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        return ((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    private static void Check(GrafanaRequest request, string server, (int Status, string Body, string? ContentType) answer, List<string> failures)
    {
        var problem = answer.Status != 200
            ? $"status {answer.Status}: {Cut(answer.Body)}"
            : answer.ContentType != "application/json"
                ? $"content type {answer.ContentType}, not application/json"
                : ShapeProblem(request, answer.Body);
        if (problem is not null)
        {
            failures.Add($"{request} on {server}: {problem}");
        }
    }

    /// <summary>
    /// Query results compared as conformance compares them (1e-9 relative); lists of labels, values and series
    /// compared as sorted text, showing where they first differ.
    /// </summary>
    private IEnumerable<string> DataDifferences(GrafanaRequest request, string reference, string candidate)
    {
        if (request.Shape is ApiShape.Scalar or ApiShape.Vector or ApiShape.Matrix)
        {
            return AnswerComparer.Compare(ApiAnswer.Parse(200, reference), ApiAnswer.Parse(200, candidate), ordered: false);
        }

        var want = Normalized(reference);
        var got = Normalized(candidate);
        if (want == got)
        {
            return [];
        }

        var at = Math.Max(0, want.Zip(got).TakeWhile(p => p.First == p.Second).Count() - 40);
        return [$"data differs from Prometheus's from character {at}\n    prometheus: {Cut(want[at..])}\n    {peers.CandidateName}: {Cut(got[at..])}"];
    }

    /// <summary><c>data</c> re-serialized with arrays of strings sorted, so equal lists compare equal as text.</summary>
    private static string Normalized(string body)
    {
        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");
        if (data.ValueKind != JsonValueKind.Array)
        {
            return data.GetRawText();
        }

        var items = data.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Object ? ApiAnswer.Canonical(item) : item.GetRawText())
            .Order(StringComparer.Ordinal);
        return "[" + string.Join(", ", items) + "]";
    }

    private static string Cut(string text) => text.Length <= 400 ? text : string.Concat(text.AsSpan(0, 400), "…");
}
