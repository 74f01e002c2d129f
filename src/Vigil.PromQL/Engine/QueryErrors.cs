// Query failures, each with the errorType the Prometheus HTTP API reports and the status it answers with
// (web/api/v1/api.go, returnAPIError): bad_data 400, timeout 503, canceled 499 (client gone), execution 422,
// internal 500. The engine throws QueryException; the API maps Kind to JSON and status.
namespace Vigil.PromQL.Engine;

internal enum QueryErrorKind : byte
{
    /// <summary>The query or its parameters are invalid (parse errors, bad step, too many points): 400.</summary>
    BadData,

    /// <summary>The query ran longer than the timeout: 503.</summary>
    Timeout,

    /// <summary>The client went away or the server is stopping: 499 (nobody reads it).</summary>
    Canceled,

    /// <summary>The query failed while running (too many samples, many-to-many matching, duplicate series): 422.</summary>
    Execution,

    /// <summary>The storage failed: 500.</summary>
    Internal,
}

/// <summary>A query that failed; the message is Prometheus's text for the same failure.</summary>
internal sealed class QueryException : Exception
{
    public QueryException(QueryErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public QueryErrorKind Kind { get; }

    /// <summary>The API's <c>errorType</c>.</summary>
    public string ErrorType => Kind switch
    {
        QueryErrorKind.BadData => "bad_data",
        QueryErrorKind.Timeout => "timeout",
        QueryErrorKind.Canceled => "canceled",
        QueryErrorKind.Execution => "execution",
        _ => "internal",
    };
}
