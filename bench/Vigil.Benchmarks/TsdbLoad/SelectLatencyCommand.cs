using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.RemoteWrite.Codec;

namespace Vigil.Benchmarks.TsdbLoad;

/// <summary>
/// <c>Vigil.Benchmarks select-latency ...</c>: times one raw-sample read of the series that equality matchers
/// select, over [start, end], from request sent to the whole body received, and prints one JSON line. Two ways,
/// because VictoriaMetrics 1.79 has no remote read: <c>remote-read</c> (Prometheus's <c>POST /api/v1/read</c>,
/// sampled response: Vigil and Prometheus) and <c>vm-export</c> (VictoriaMetrics's <c>/api/v1/export</c>, JSON lines).
/// Both return every raw sample of every selected series, which is what a storage <c>Select</c> hands to a querier.
/// The body is decoded after the clock stops, to count series and samples (a check that the read was complete).
/// </summary>
internal static class SelectLatencyCommand
{
    private const string Usage =
        """
        usage: Vigil.Benchmarks select-latency --base URL --api remote-read|vm-export --start MS --end MS
                                               --match NAME=VALUE[,NAME=VALUE...] [--repeat N]
          Prints {"series", "samples", "bytes", "firstMs", "medianMs", "minMs"}: the first read, then the median and
          minimum of the --repeat (5) reads after it.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            flags[args[i]] = args[i + 1];
        }

        if (!flags.TryGetValue("--base", out string? baseUrl) || !flags.TryGetValue("--api", out string? api)
            || !flags.TryGetValue("--match", out string? match) || !flags.ContainsKey("--start") || !flags.ContainsKey("--end"))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        long start = long.Parse(flags["--start"], CultureInfo.InvariantCulture), end = long.Parse(flags["--end"], CultureInfo.InvariantCulture);
        int repeat = flags.TryGetValue("--repeat", out string? r) ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
        var matchers = match.Split(',').Select(static m => (Name: m[..m.IndexOf('=', StringComparison.Ordinal)], Value: m[(m.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToArray();

        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        Func<Task<byte[]>> read = api == "vm-export"
            ? () => client.GetByteArrayAsync(ExportUrl(baseUrl, matchers, start, end))
            : () => RemoteReadAsync(client, baseUrl, matchers, start, end);

        var times = new List<double>();
        byte[] body = [];
        for (int i = 0; i <= repeat; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body = await read().ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        (long series, long samples) = api == "vm-export" ? CountExport(body) : CountReadResponse(body);
        var rest = times.Skip(1).Order().ToArray();
        var json = new
        {
            series,
            samples,
            bytes = body.Length,
            firstMs = Math.Round(times[0], 2),
            medianMs = rest.Length > 0 ? Math.Round(rest[rest.Length / 2], 2) : Math.Round(times[0], 2),
            minMs = rest.Length > 0 ? Math.Round(rest[0], 2) : Math.Round(times[0], 2),
        };
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(json)).ConfigureAwait(false);
        return 0;
    }

    private static Uri ExportUrl(string baseUrl, (string Name, string Value)[] matchers, long start, long end)
    {
        string selector = "{" + string.Join(',', matchers.Select(static m => $"{m.Name}=\"{m.Value}\"")) + "}";
        return new Uri(string.Create(CultureInfo.InvariantCulture,
            $"{baseUrl}/api/v1/export?match[]={Uri.EscapeDataString(selector)}&start={start / 1000.0:F3}&end={end / 1000.0:F3}"));
    }

    private static async Task<byte[]> RemoteReadAsync(HttpClient client, string baseUrl, (string Name, string Value)[] matchers, long start, long end)
    {
        var query = new RemoteReadQuery(start, end, matchers.Select(static m => new RemoteReadMatcher(RemoteMatchType.Equal, m.Name, m.Value)).ToArray(), null);
        byte[] raw = ReadRequestEncoder.Encode(new RemoteReadRequest([query], [RemoteReadResponseType.Samples]));
        byte[] body = new byte[Snappy.MaxEncodedLength(raw.Length)];
        int n = Snappy.Encode(raw, body);
        using var content = new ByteArrayContent(body, 0, n);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/api/v1/read") { Content = content };
        request.Headers.Add("X-Prometheus-Remote-Read-Version", "0.1.0");
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        byte[] reply = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? reply
            : throw new HttpRequestException($"remote read: HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(reply).Trim()}");
    }

    /// <summary>Series and samples of a snappy sampled ReadResponse (results = 1 → timeseries = 1 → samples = 2).</summary>
    private static (long Series, long Samples) CountReadResponse(byte[] body)
    {
        if (!Snappy.TryGetDecodedLength(body, out int length))
        {
            throw new InvalidDataException("remote read: response is not snappy");
        }

        byte[] raw = new byte[length];
        if (!Snappy.TryDecode(body, raw, out _, out string? error))
        {
            throw new InvalidDataException("remote read: " + error);
        }

        long series = 0, samples = 0;
        foreach ((int rs, int rl) in Fields(raw, 0, length, 1))
        {
            foreach ((int ts, int tl) in Fields(raw, rs, rs + rl, 1))
            {
                series++;
                samples += Fields(raw, ts, ts + tl, 2).Count;
            }
        }

        return (series, samples);
    }

    /// <summary>The [start, length) of every length-delimited field numbered <paramref name="wanted"/> in [start, end).</summary>
    private static List<(int Start, int Length)> Fields(byte[] buf, int start, int end, int wanted)
    {
        var found = new List<(int, int)>();
        var c = new ProtoCursor(buf, start, end);
        while (c.HasMore && c.TryReadTag(out int field, out int wire))
        {
            if (field == wanted && wire == ProtoCursor.WireLength && c.TryReadLengthDelimited(out int s, out int l))
            {
                found.Add((s, l));
            }
            else if (!c.TrySkip(wire))
            {
                break;
            }
        }

        return found;
    }

    private static (long Series, long Samples) CountExport(byte[] body)
    {
        long series = 0, samples = 0;
        foreach (string line in System.Text.Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            series++;
            samples += doc.RootElement.GetProperty("timestamps").GetArrayLength();
        }

        return (series, samples);
    }
}
