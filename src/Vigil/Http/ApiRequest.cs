using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Vigil.PromQL;
using Vigil.PromQL.Engine;

namespace Vigil.Http;

/// <summary>
/// A query-API failure: Prometheus's <c>apiError</c>, its <c>errorType</c> and the status <c>respondError</c>
/// answers with (bad_data 400, execution 422, canceled 499, timeout 503, internal 500, unavailable 503).
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(string errorType, string message, Exception? inner = null)
        : base(message, inner) => ErrorType = errorType;

    public string ErrorType { get; }

    public int Status => ErrorType switch
    {
        "bad_data" => 400,
        "execution" => 422,
        "canceled" => 499,
        "timeout" or "unavailable" => 503,
        "not_found" => 404,
        _ => 500,
    };

    public static ApiException BadData(string message) => new("bad_data", message);

    /// <summary><c>invalidParamError</c>: <c>invalid parameter "time": ...</c>.</summary>
    public static ApiException InvalidParameter(string name, string message) => new("bad_data", $"invalid parameter {GoText.Quote(name)}: {message}");

    public static ApiException From(QueryException ex) => new(ex.ErrorType, ex.Message, ex);
}

/// <summary>
/// A request's parameters as Go's <c>r.FormValue</c> sees them: a form body (POST with
/// <c>application/x-www-form-urlencoded</c> or multipart) first, then the URL's query string; a missing
/// parameter reads as empty, as there. Any other body is ignored, as Prometheus ignores it.
/// </summary>
internal sealed class ApiRequest
{
    private readonly IFormCollection? _form;
    private readonly IQueryCollection _query;

    private ApiRequest(HttpContext context, IFormCollection? form)
    {
        Context = context;
        _form = form;
        _query = context.Request.Query;
    }

    public HttpContext Context { get; }

    public static async Task<ApiRequest> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IFormCollection? form = null;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw ApiException.BadData("error parsing form values: " + ex.Message);
            }
        }

        return new ApiRequest(context, form);
    }

    /// <summary>The first value of <paramref name="name"/>, or "" when absent.</summary>
    public string Get(string name)
    {
        if (_form is not null && _form.TryGetValue(name, out StringValues fromBody) && fromBody.Count > 0)
        {
            return fromBody[0] ?? "";
        }

        return _query.TryGetValue(name, out StringValues fromQuery) && fromQuery.Count > 0 ? fromQuery[0] ?? "" : "";
    }

    /// <summary>Every value of <paramref name="name"/> (<c>match[]</c>), body first, as Go's <c>r.Form[name]</c>.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        var values = new List<string>();
        if (_form is not null && _form.TryGetValue(name, out StringValues fromBody))
        {
            values.AddRange(fromBody.Select(v => v ?? ""));
        }

        if (_query.TryGetValue(name, out StringValues fromQuery))
        {
            values.AddRange(fromQuery.Select(v => v ?? ""));
        }

        return values;
    }

    /// <summary><c>parseTimeParam</c>: a missing parameter is <paramref name="defaultTime"/>; errors name the parameter twice, as there.</summary>
    public GoTime TimeOr(string name, GoTime defaultTime)
    {
        string text = Get(name);
        if (text.Length == 0)
        {
            return defaultTime;
        }

        return ApiParameters.TryParseTime(text, out GoTime time, out string? error)
            ? time
            : throw ApiException.InvalidParameter(name, $"Invalid time value for '{name}': {error}");
    }

    /// <summary><c>parseTime</c> of a required parameter (query_range's start and end).</summary>
    public GoTime RequiredTime(string name) => ApiParameters.TryParseTime(Get(name), out GoTime time, out string? error)
        ? time
        : throw ApiException.InvalidParameter(name, error!);

    /// <summary><c>parseDuration</c>, in nanoseconds.</summary>
    public long Duration(string name) => ApiParameters.TryParseDuration(Get(name), out long ns, out string? error)
        ? ns
        : throw ApiException.InvalidParameter(name, error!);
}
