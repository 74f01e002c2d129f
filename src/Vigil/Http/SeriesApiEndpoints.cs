using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.PromQL;
using Vigil.Tsdb.Storage;

namespace Vigil.Http;

/// <summary>
/// <c>/api/v1/series</c>, <c>/api/v1/labels</c> (GET and form POST) and <c>/api/v1/label/{name}/values</c> (GET),
/// as Prometheus 2.42's <c>series</c>, <c>labelNames</c> and <c>labelValues</c>: <c>match[]</c> repeated, start and
/// end defaulting to Prometheus's min and max time.
/// </summary>
internal static partial class SeriesApiEndpoints
{
    public static void MapSeriesEndpoints(this IEndpointRouteBuilder app, QueryApiSources sources)
    {
        app.Map("/api/v1/series", post: true, sources, (request, json) => Series(request, json, sources));
        app.Map("/api/v1/labels", post: true, sources, (request, json) => LabelNames(request, json, sources));
        app.Map("/api/v1/label/{name}/values", post: false, sources, (request, json) => LabelValues(request, json, sources));

        // Prometheus routes DELETE here and answers that it does not implement it; clients expect that answer.
        app.MapDelete("/api/v1/series", ctx =>
        {
            ctx.Response.StatusCode = 500;
            ctx.Response.ContentType = "application/json";
            return ctx.Response.WriteAsync("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"not implemented\"}");
        });
    }

    private static ApiAnswer Series(ApiRequest request, PrometheusJsonWriter json, QueryApiSources sources)
    {
        var matches = request.GetAll("match[]");
        if (matches.Count == 0)
        {
            throw ApiException.BadData("no match[] parameter provided");
        }

        long start = request.TimeOr("start", ApiParameters.MinTime).FromTimeMs;
        long end = request.TimeOr("end", ApiParameters.MaxTime).FromTimeMs;
        var sets = ParseMatchers(matches, static message => ApiException.InvalidParameter("match[]", message));
        var storage = sources.RequireStorage();

        // Several selectors are a union: a series matched by two comes once, in label order (storage.NewMergeSeriesSet).
        var found = new HashSet<Labels>();
        var warnings = new List<string>();
        var hints = new SelectHints { Start = start, End = end, Func = "series" };
        using (var querier = storage.Querier())
        {
            foreach (var matchers in sets)
            {
                using var set = querier.Select(start, end, hints, matchers);
                while (set.MoveNext())
                {
                    request.Context.RequestAborted.ThrowIfCancellationRequested();
                    found.Add(set.Current.Labels);
                }

                warnings.AddRange(set.Warnings);
            }
        }

        var sorted = found.ToList();
        sorted.Sort(Labels.Compare);
        json.Byte((byte)'[');
        for (int i = 0; i < sorted.Count; i++)
        {
            if (i > 0)
            {
                json.Byte((byte)',');
            }

            json.Labels(sorted[i]);
        }

        json.Byte((byte)']');
        return new ApiAnswer(null, warnings);
    }

    /// <remarks>
    /// start and end choose the blocks and the head that overlap them, as Prometheus's querier does; within a part
    /// that overlaps, every label it holds is named (Prometheus answers the same).
    /// </remarks>
    private static ApiAnswer LabelNames(ApiRequest request, PrometheusJsonWriter json, QueryApiSources sources)
    {
        long start = request.TimeOr("start", ApiParameters.MinTime).FromTimeMs;
        long end = request.TimeOr("end", ApiParameters.MaxTime).FromTimeMs;
        var sets = ParseMatchers(request.GetAll("match[]"), ApiException.BadData);
        using var querier = sources.RequireStorage().Querier(start, end);
        json.StringArray(Union(sets, matchers => querier.LabelNames(matchers)));
        return ApiAnswer.Written;
    }

    private static ApiAnswer LabelValues(ApiRequest request, PrometheusJsonWriter json, QueryApiSources sources)
    {
        string name = request.Context.Request.RouteValues["name"] as string ?? "";
        if (!LabelNameRegex().IsMatch(name))
        {
            throw ApiException.BadData("invalid label name: " + GoText.Quote(name));
        }

        long start = request.TimeOr("start", ApiParameters.MinTime).FromTimeMs;
        long end = request.TimeOr("end", ApiParameters.MaxTime).FromTimeMs;
        var sets = ParseMatchers(request.GetAll("match[]"), ApiException.BadData);
        using var querier = sources.RequireStorage().Querier(start, end);
        json.StringArray(Union(sets, matchers => querier.LabelValues(name, matchers)));
        return ApiAnswer.Written;
    }

    /// <summary>One query per selector (or one with none), merged and sorted, as Prometheus merges them.</summary>
    private static List<string> Union(List<LabelMatcher[]> sets, Func<LabelMatcher[], IReadOnlyList<string>> query)
    {
        if (sets.Count == 0)
        {
            return [.. query([])];
        }

        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var matchers in sets)
        {
            all.UnionWith(query(matchers));
        }

        var sorted = all.ToList();
        sorted.Sort(StringComparer.Ordinal);
        return sorted;
    }

    /// <summary>
    /// <c>parseMatchersParam</c>: each <c>match[]</c> is a series selector (<see cref="Parser.ParseMetricSelector"/>),
    /// and each must have a matcher that does not match the empty string.
    /// </summary>
    private static List<LabelMatcher[]> ParseMatchers(IReadOnlyList<string> selectors, Func<string, ApiException> error)
    {
        var sets = new List<LabelMatcher[]>(selectors.Count);
        foreach (string selector in selectors)
        {
            try
            {
                sets.Add([.. Parser.ParseMetricSelector(selector)]);
            }
            catch (Exception ex) when (ex is PromQLParseException or InvalidMatcherException)
            {
                throw error(ex.Message);
            }
        }

        foreach (var set in sets)
        {
            if (!set.Any(m => !m.MatchesEmpty))
            {
                throw error("match[] must contain at least one non-empty matcher");
            }
        }

        return sets;
    }

    /// <summary>Prometheus's <c>model.LabelNameRE</c>.</summary>
    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelNameRegex();
}
