using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Hosting;
using Vigil.PromQL;
using Vigil.Http;
using Vigil.PromQL.Engine;
using Vigil.Scrape.Loop;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.Tests.Http;

/// <summary>
/// The query API alone on a loopback Kestrel, over an in-memory head and a scripted engine, so each endpoint's
/// parameters, shapes and errors can be checked without a whole server.
/// </summary>
internal sealed class QueryApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private QueryApiHost(WebApplication app, Head? head, int port)
    {
        _app = app;
        Head = head;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Head? Head { get; }

    public HttpClient Client { get; }

    /// <param name="engine">The engine; null answers "unavailable".</param>
    /// <param name="withStorage">False: a server with <c>storage.enabled: false</c>.</param>
    /// <param name="metadata">The scrape loops' metadata to serve.</param>
    public static async Task<QueryApiHost> StartAsync(IQueryEngine? engine = null, bool withStorage = true, IReadOnlyList<ScrapeMetadata>? metadata = null, RuntimeStatus? runtime = null)
    {
        int port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var head = withStorage ? new Head() : null;
        app.MapQueryApi(new QueryApiSources(
            () => head,
            () => head,
            engine,
            () => metadata ?? [],
            runtime ?? new RuntimeStatus("15d", () => 3)));
        await app.StartAsync();
        return new QueryApiHost(app, head, port);
    }

    /// <summary>Appends committed samples to the head.</summary>
    public async Task AddAsync(params (string Series, long T, double V)[] samples)
    {
        var appender = Head!.Appender();
        foreach (var (series, t, v) in samples)
        {
            var pairs = series.Split(',').Select(p => p.Split('=')).Select(kv => (kv[0], kv[1])).ToArray();
            appender.Append(SeriesRef.None, Labels.FromPairs(pairs), t, v).ThrowIfFailed();
        }

        await appender.CommitAsync();
    }

    public async Task<(int Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(pathAndQuery);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(int Status, string Body)> PostFormAsync(string path, params (string Name, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value)));
        using var response = await Client.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The <c>data</c> of a success answer, after checking the envelope.</summary>
    public async Task<JsonElement> DataAsync(string pathAndQuery)
    {
        var (status, body) = await GetAsync(pathAndQuery);
        Assert.True(status == 200, body);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
        return doc.RootElement.GetProperty("data").Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Head?.Dispose();
    }
}

/// <summary>
/// An engine whose answers the test scripts; it records what it was asked. Like the real engine it parses the query
/// first and refuses one that does not parse (bad_data, the parse error inside).
/// </summary>
internal sealed class ScriptedEngine : IQueryEngine
{
    public Func<string, long, CancellationToken, QueryResult>? Instant { get; init; }

    public Func<string, long, long, long, CancellationToken, QueryResult>? Range { get; init; }

    public List<string> Calls { get; } = [];

    public QueryResult InstantQuery(IQueryableStorage storage, string query, long time, CancellationToken cancellationToken)
    {
        Parse(query);
        Calls.Add(FormattableString.Invariant($"instant {query} @{time}"));
        return Instant!(query, time, cancellationToken);
    }

    public QueryResult RangeQuery(IQueryableStorage storage, string query, long start, long end, long step, CancellationToken cancellationToken)
    {
        Parse(query);
        Calls.Add(FormattableString.Invariant($"range {query} {start}..{end}/{step}"));
        return Range!(query, start, end, step, cancellationToken);
    }

    private static void Parse(string query)
    {
        try
        {
            Vigil.PromQL.Parser.Parse(query);
        }
        catch (PromQLParseException ex)
        {
            throw new QueryException(QueryErrorKind.BadData, ex.Message, ex);
        }
    }
}
