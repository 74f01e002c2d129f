using System.Text.Json;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>The response shapes of the Prometheus HTTP API documentation (docs/querying/api.md of 2.42).</summary>
internal enum ApiShape
{
    BuildInfo,
    StringList,
    SeriesList,
    Metadata,
    Scalar,
    Vector,
    Matrix,
}

/// <summary>One request as Grafana sends it: GET with a query string, or POST with a form body.</summary>
internal sealed record GrafanaRequest(string Method, string Path, (string Name, string Value)[] Parameters, ApiShape Shape, bool SameDataAsPrometheus = true)
{
    public HttpRequestMessage ToMessage(Uri baseUrl)
    {
        if (Method == "POST")
        {
            return new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, Path))
            {
                Content = new FormUrlEncodedContent(Parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
            };
        }

        var query = string.Join('&', Parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        return new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, query.Length == 0 ? Path : Path + "?" + query));
    }

    public override string ToString() => $"{Method} {Path} {string.Join('&', Parameters.Select(p => p.Name + "=" + p.Value))}";
}

public sealed partial class GrafanaReplayTests
{
    /// <summary>
    /// Adding the data source, then a dashboard of the last hour with template variables ($job, $instance) and
    /// panels: Grafana sends times as Unix seconds and the step as a number of seconds.
    /// </summary>
    private static IEnumerable<GrafanaRequest> Requests(ConformanceData data)
    {
        var end = (data.EndMs / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = ((data.EndMs / 1000) - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string, string)[] range = [("start", start), ("end", end)];
        yield return new("GET", "/api/v1/status/buildinfo", [], ApiShape.BuildInfo, SameDataAsPrometheus: false);
        yield return new("POST", "/api/v1/query", [("query", "1+1"), ("time", end)], ApiShape.Scalar);
        yield return new("GET", "/api/v1/labels", range, ApiShape.StringList);
        yield return new("POST", "/api/v1/labels", range, ApiShape.StringList);
        yield return new("GET", "/api/v1/label/__name__/values", range, ApiShape.StringList);
        yield return new("GET", "/api/v1/metadata", [], ApiShape.Metadata);
        yield return new("GET", "/api/v1/label/job/values", [("match[]", "conf_http_requests_total"), .. range], ApiShape.StringList);
        yield return new("GET", "/api/v1/label/instance/values", [("match[]", "conf_http_requests_total{job=\"api\"}"), .. range], ApiShape.StringList);
        yield return new("GET", "/api/v1/label/le/values", [("match[]", "conf_request_duration_seconds_bucket"), ("match[]", "conf_nonexistent"), .. range], ApiShape.StringList);
        yield return new("GET", "/api/v1/series", [("match[]", "conf_http_requests_total{job=\"api\"}"), .. range], ApiShape.SeriesList);
        yield return new("POST", "/api/v1/series", [("match[]", "conf_memory_bytes"), ("match[]", "{__name__=~\"conf_disk.*\", job=\"node\"}"), .. range], ApiShape.SeriesList);
        yield return new("POST", "/api/v1/query_range", [("query", "sum by (job) (rate(conf_http_requests_total{job=~\"api|web\"}[2m]))"), .. range, ("step", "15")], ApiShape.Matrix);
        yield return new("POST", "/api/v1/query_range", [("query", "histogram_quantile(0.95, sum by (le) (rate(conf_request_duration_seconds_bucket[1m])))"), .. range, ("step", "30")], ApiShape.Matrix);
        yield return new("GET", "/api/v1/query_range", [("query", "conf_memory_bytes{job=\"api\"}"), .. range, ("step", "60")], ApiShape.Matrix);
        yield return new("POST", "/api/v1/query", [("query", "topk(5, conf_memory_bytes)"), ("time", end)], ApiShape.Vector);
        yield return new("GET", "/api/v1/query", [("query", "sum(conf_memory_bytes) by (job)"), ("time", end)], ApiShape.Vector);
    }

    /// <summary>Null when <paramref name="body"/> has the documented envelope and <paramref name="request"/>'s data shape; else what is wrong.</summary>
    private static string? ShapeProblem(GrafanaRequest request, string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("status", out var status) || status.GetString() != "success" || !root.TryGetProperty("data", out var data))
        {
            return "no {\"status\":\"success\",\"data\":…} envelope";
        }

        return request.Shape switch
        {
            ApiShape.BuildInfo => data.ValueKind == JsonValueKind.Object && new[] { "version", "revision", "branch", "buildUser", "buildDate", "goVersion" }.All(k => data.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String)
                ? null : "buildinfo data lacks version, revision, branch, buildUser, buildDate or goVersion strings",
            ApiShape.StringList => StringListProblem(data),
            ApiShape.SeriesList => data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 && data.EnumerateArray().All(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("__name__", out _) && s.EnumerateObject().All(l => l.Value.ValueKind == JsonValueKind.String))
                ? null : "series data is not a non-empty array of label objects with __name__",
            ApiShape.Metadata => data.ValueKind == JsonValueKind.Object ? null : "metadata data is not an object",
            _ => ResultProblem(request.Shape, data),
        };
    }

    private static string? StringListProblem(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0 || data.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            return "data is not a non-empty array of strings";
        }

        var values = data.EnumerateArray().Select(v => v.GetString()!).ToList();
        return values.SequenceEqual(values.Distinct().Order(StringComparer.Ordinal)) ? null : "strings are not sorted and unique";
    }

    private static string? ResultProblem(ApiShape shape, JsonElement data)
    {
        var expectedType = shape switch { ApiShape.Scalar => "scalar", ApiShape.Vector => "vector", _ => "matrix" };
        if (!data.TryGetProperty("resultType", out var type) || type.GetString() != expectedType || !data.TryGetProperty("result", out var result))
        {
            return $"data is not {{\"resultType\":\"{expectedType}\",\"result\":…}}";
        }

        static bool IsPoint(JsonElement p) => p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 2 && p[0].ValueKind == JsonValueKind.Number && p[1].ValueKind == JsonValueKind.String;
        var ok = shape switch
        {
            ApiShape.Scalar => IsPoint(result),
            ApiShape.Vector => result.GetArrayLength() > 0 && result.EnumerateArray().All(s => s.GetProperty("metric").ValueKind == JsonValueKind.Object && IsPoint(s.GetProperty("value"))),
            _ => result.GetArrayLength() > 0 && result.EnumerateArray().All(s => s.GetProperty("metric").ValueKind == JsonValueKind.Object && s.GetProperty("values").EnumerateArray().All(IsPoint)),
        };
        return ok ? null : $"{expectedType} result is empty or its samples are not [number, \"string\"]";
    }
}
