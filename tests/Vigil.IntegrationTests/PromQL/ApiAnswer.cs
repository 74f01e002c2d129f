using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>One point of an answer: the timestamp as seconds and the value as the API wrote it ("NaN", "+Inf", "1e+06").</summary>
internal readonly record struct AnswerPoint(double Time, string Value);

/// <summary>One series of an answer; <see cref="Labels"/> is canonical (sorted by name), "{}" for none.</summary>
internal sealed record AnswerSeries(string Labels, IReadOnlyList<AnswerPoint> Points);

/// <summary>
/// A Prometheus HTTP API query answer reduced to what conformance compares: HTTP status, <c>status</c>,
/// <c>errorType</c>, <c>resultType</c> and the series. A scalar or string result becomes one series labelled "{}".
/// </summary>
internal sealed record ApiAnswer(int HttpStatus, string Status, string? ErrorType, string? Error, string? ResultType, IReadOnlyList<AnswerSeries> Series)
{
    public static ApiAnswer Parse(int httpStatus, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new ApiAnswer(httpStatus, "not JSON", null, Truncate(body), null, []);
        }

        using (document)
        {
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.GetString() ?? "null" : "missing";
            var errorType = root.TryGetProperty("errorType", out var et) ? et.GetString() : null;
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return new ApiAnswer(httpStatus, status, errorType, error, null, []);
            }

            var resultType = data.GetProperty("resultType").GetString();
            return new ApiAnswer(httpStatus, status, errorType, error, resultType, ReadResult(resultType, data.GetProperty("result")));
        }
    }

    private static List<AnswerSeries> ReadResult(string? resultType, JsonElement result)
    {
        if (resultType is "scalar" or "string")
        {
            return [new AnswerSeries("{}", [ReadPoint(result)])];
        }

        var list = new List<AnswerSeries>(result.GetArrayLength());
        foreach (var item in result.EnumerateArray())
        {
            var labels = Canonical(item.GetProperty("metric"));
            var points = new List<AnswerPoint>();
            if (item.TryGetProperty("value", out var value))
            {
                points.Add(ReadPoint(value));
            }
            else if (item.TryGetProperty("values", out var values))
            {
                points.AddRange(values.EnumerateArray().Select(ReadPoint));
            }

            list.Add(new AnswerSeries(labels, points));
        }

        return list;
    }

    private static AnswerPoint ReadPoint(JsonElement pair) =>
        new(pair[0].GetDouble(), pair[1].GetString() ?? "null");

    /// <summary>The label set as <c>{a="1", b="2"}</c>, sorted by name (ordinal), values JSON-escaped.</summary>
    public static string Canonical(JsonElement metric)
    {
        var pairs = metric.EnumerateObject().Select(p => (p.Name, p.Value.GetString() ?? string.Empty)).ToList();
        pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var builder = new StringBuilder("{");
        foreach (var (name, value) in pairs)
        {
            builder.Append(builder.Length > 1 ? ", " : string.Empty).Append(name).Append('=').Append(JsonSerializer.Serialize(value));
        }

        return builder.Append('}').ToString();
    }

    /// <summary>The API's value text as a double: Go's "NaN", "+Inf" and "-Inf" included; null when it is not a number.</summary>
    public static double? ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
    };

    public string Describe() => Status == "success"
        ? $"{HttpStatus} success, {ResultType} of {Series.Count} series"
        : $"{HttpStatus} {Status} {ErrorType}: {Error}";

    private static string Truncate(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");
}
