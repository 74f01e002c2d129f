using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Routing;
using Vigil.Hosting;
using Vigil.Tsdb;

namespace Vigil.Http;

/// <summary>
/// <c>/api/v1/status/buildinfo</c>, <c>/api/v1/status/runtimeinfo</c> and <c>/api/v1/status/tsdb</c> (GET only, as
/// in Prometheus 2.42), in Prometheus's field names and order, with Vigil's values.
/// </summary>
internal static class StatusApiEndpoints
{
    /// <summary>The Prometheus release whose query API Vigil answers as (issue 6's compatibility target).</summary>
    public const string CompatiblePrometheusVersion = "2.42.0";

    public static void MapStatusEndpoints(this IEndpointRouteBuilder app, QueryApiSources sources)
    {
        app.Map("/api/v1/status/buildinfo", post: false, sources, BuildInfo);
        app.Map("/api/v1/status/runtimeinfo", post: false, sources, (_, json) => RuntimeInfo(json, sources.Runtime));
        app.Map("/api/v1/status/tsdb", post: false, sources, (_, json) => TsdbStatus(json, sources));
    }

    /// <summary>
    /// Grafana's Prometheus data source reads <c>version</c> as semver to decide which API features to use (label
    /// match[] filters, exemplars, ...), so <c>version</c> is the Prometheus release Vigil answers like, with Vigil's
    /// own version as semver build metadata (<c>2.42.0+vigil.1.2.3</c>; semver ignores build metadata in
    /// comparisons, just as Debian's <c>2.42.0+ds</c> works). <c>goVersion</c> holds the .NET runtime
    /// (<c>.NET 10.0.0</c>): Vigil has no Go, and clients only display the field.
    /// </summary>
    private static ApiAnswer BuildInfo(ApiRequest request, PrometheusJsonWriter json)
    {
        var assembly = typeof(StatusApiEndpoints).Assembly;
        string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        string metadata = new([.. VersionInfo.Version.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')]);
        DateTime built = File.GetLastWriteTimeUtc(assembly.Location.Length > 0 ? assembly.Location : Environment.ProcessPath ?? "");
        Field(json, "{\"version\":"u8, CompatiblePrometheusVersion + "+vigil." + metadata);
        Field(json, ",\"revision\":"u8, plus >= 0 ? informational[(plus + 1)..] : "");
        Field(json, ",\"branch\":"u8, "");
        Field(json, ",\"buildUser\":"u8, "");
        Field(json, ",\"buildDate\":"u8, built.ToString("yyyyMMdd-HH:mm:ss", CultureInfo.InvariantCulture));
        Field(json, ",\"goVersion\":"u8, RuntimeInformation.FrameworkDescription);
        json.Byte((byte)'}');
        return ApiAnswer.Written;
    }

    /// <remarks>
    /// The Go runtime fields get their nearest .NET values: <c>goroutineCount</c> is the process's OS threads,
    /// <c>GOMAXPROCS</c> the processors .NET schedules on; <c>GOGC</c> and <c>GODEBUG</c> stay empty (no such knobs),
    /// as they are in Prometheus when unset.
    /// </remarks>
    private static ApiAnswer RuntimeInfo(PrometheusJsonWriter json, RuntimeStatus runtime)
    {
        using var process = Process.GetCurrentProcess();
        Field(json, "{\"startTime\":"u8, GoTime(runtime.StartTime));
        Field(json, ",\"CWD\":"u8, Environment.CurrentDirectory);
        json.Raw(runtime.ReloadSuccess ? ",\"reloadConfigSuccess\":true"u8 : ",\"reloadConfigSuccess\":false"u8);

        // Prometheus keeps the last config time as a seconds gauge, so it is printed without a fraction.
        var lastConfig = runtime.LastConfigTime;
        Field(json, ",\"lastConfigTime\":"u8, GoTime(lastConfig.AddTicks(-(lastConfig.Ticks % TimeSpan.TicksPerSecond))));
        json.Raw(",\"corruptionCount\":"u8);
        json.Int64(runtime.CorruptionCount);
        json.Raw(",\"goroutineCount\":"u8);
        json.Int64(process.Threads.Count);
        json.Raw(",\"GOMAXPROCS\":"u8);
        json.Int64(Environment.ProcessorCount);
        Field(json, ",\"GOGC\":"u8, "");
        Field(json, ",\"GODEBUG\":"u8, "");
        Field(json, ",\"storageRetention\":"u8, runtime.StorageRetention);
        json.Byte((byte)'}');
        return ApiAnswer.Written;
    }

    private static ApiAnswer TsdbStatus(PrometheusJsonWriter json, QueryApiSources sources)
    {
        var head = sources.Head() ?? throw new ApiException("unavailable", "local storage is disabled (storage.enabled: false): there is no TSDB head");
        var stats = head.IndexStats();
        json.Raw("{\"headStats\":{\"numSeries\":"u8);
        json.Int64(stats.NumSeries);
        json.Raw(",\"numLabelPairs\":"u8);
        json.Int64(stats.NumLabelPairs);
        json.Raw(",\"chunkCount\":"u8);
        json.Int64(stats.ChunkCount);
        json.Raw(",\"minTime\":"u8);
        json.Int64(stats.MinTime);
        json.Raw(",\"maxTime\":"u8);
        json.Int64(stats.MaxTime);
        json.Raw("},\"seriesCountByMetricName\":"u8);
        Stats(json, stats.SeriesCountByMetricName);
        json.Raw(",\"labelValueCountByLabelName\":"u8);
        Stats(json, stats.LabelValueCountByLabelName);
        json.Raw(",\"memoryInBytesByLabelName\":"u8);
        Stats(json, stats.MemoryInBytesByLabelName);
        json.Raw(",\"seriesCountByLabelValuePair\":"u8);
        Stats(json, stats.SeriesCountByLabelValuePair);
        json.Byte((byte)'}');
        return ApiAnswer.Written;
    }

    private static void Stats(PrometheusJsonWriter json, IReadOnlyList<IndexStat> stats)
    {
        json.Byte((byte)'[');
        for (int i = 0; i < stats.Count; i++)
        {
            json.Raw(i == 0 ? "{\"name\":"u8 : ",{\"name\":"u8);
            json.String(stats[i].Name);
            json.Raw(",\"value\":"u8);
            json.Int64(stats[i].Value);
            json.Byte((byte)'}');
        }

        json.Byte((byte)']');
    }

    private static void Field(PrometheusJsonWriter json, ReadOnlySpan<byte> prefix, string value)
    {
        json.Raw(prefix);
        json.String(value);
    }

    /// <summary>Go's <c>time.Time</c> JSON: RFC 3339 in UTC with the fraction's trailing zeros dropped.</summary>
    internal static string GoTime(DateTime utc)
    {
        string text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + "Z";
    }
}
