using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.RemoteWrite.Codec;

namespace Vigil.Benchmarks.TsdbLoad;

/// <summary>
/// <c>Vigil.Benchmarks push-history ...</c>: the load of bench/compare/tsdb.sh. Pushes every round of a
/// <see cref="NodeHistory"/> (one sample per series per round, <c>--step-ms</c> apart, the last round just before
/// now) over remote write 1.0, in time order, as fast as the server takes it, and prints one JSON line. Bodies are
/// encoded while sending (the whole history would not fit in memory pre-built); only the server's CPU is the
/// benchmark's figure, so the encoding's cost is the load generator's, not the server's.
/// </summary>
internal static class HistoryPushCommand
{
    private const string Usage =
        """
        usage: Vigil.Benchmarks push-history --url URL [--series N] [--series-per-host N] [--rounds N] [--step-ms MS]
                                             [--samples-per-request N] [--senders N] [--max-lead N]
          --series (100000) series, --series-per-host (1000) the node_exporter page size, --rounds (480) samples per
          series, --step-ms (15000) apart, ending now. Series always go through the same sender; a sender never runs
          more than --max-lead (2) rounds ahead of the slowest, so the servers see the rounds in time order.
        """;

    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        Dictionary<string, string> flags;
        Uri url;
        int series, perHost, rounds, perRequest, senders, maxLead;
        long step;
        try
        {
            flags = ParseFlags(args);
            url = new Uri(flags["--url"], UriKind.Absolute);
            (series, perHost, rounds) = (Int(flags, "--series", 100_000), Int(flags, "--series-per-host", 1000), Int(flags, "--rounds", 480));
            (perRequest, senders, maxLead) = (Int(flags, "--samples-per-request", 2000), Int(flags, "--senders", 4), Int(flags, "--max-lead", 2));
            step = Int(flags, "--step-ms", 15_000);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"push-history: {ex.Message}\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        long first = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (rounds * step)) / step) * step;
        var history = NodeHistory.Create(series, perHost);
        int parts = (series + perRequest - 1) / perRequest;
        var progress = new int[senders];
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = senders, UseProxy = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(120) };
        long started = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, senders).Select(s => Task.Run(() => SendAsync(
            new Sender(s, senders, parts, perRequest, rounds, maxLead, first, step), history, progress, client, url))).ToArray();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        long samples = results.Sum(r => r.Samples);
        var json = new
        {
            series,
            rounds,
            stepMs = step,
            firstTimestampMs = first,
            lastTimestampMs = first + ((rounds - 1) * step),
            samples,
            requests = results.Sum(r => r.Requests),
            non2xx = results.Sum(r => r.Non2xx),
            firstFailure = results.Select(r => r.FirstFailure).FirstOrDefault(f => f is not null),
            seconds = Math.Round(seconds, 3),
            samplesPerSec = Math.Round(samples / seconds),
            snappyMiB = Math.Round(results.Sum(r => r.Bytes) / 1048576.0, 1),
        };
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(json)).ConfigureAwait(false);
        return 0;
    }

    private sealed record Sender(int Index, int Senders, int Parts, int PerRequest, int Rounds, int MaxLead, long FirstMs, long StepMs);

    private sealed record SendResult(long Samples, long Requests, long Non2xx, long Bytes, string? FirstFailure);

    private static async Task<SendResult> SendAsync(Sender s, NodeHistory history, int[] progress, HttpClient client, Uri url)
    {
        long samples = 0, requests = 0, non2xx = 0, bytes = 0;
        string? failure = null;
        byte[] raw = [], body = [];
        for (int round = 0; round < s.Rounds; round++)
        {
            while (round > MinProgress(progress) + s.MaxLead)
            {
                await Task.Delay(1).ConfigureAwait(false);
            }

            long ts = s.FirstMs + (round * s.StepMs);
            for (int part = s.Index; part < s.Parts; part += s.Senders)
            {
                int from = part * s.PerRequest, to = Math.Min(history.Count, from + s.PerRequest);
                int n = Encode(history, from, to, round, ts, ref raw, ref body);
                using var content = new ByteArrayContent(body, 0, n);
                content.Headers.ContentType = Protobuf;
                content.Headers.ContentEncoding.Add("snappy");
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content, Version = HttpVersion.Version11 };
                request.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
                using var response = await client.SendAsync(request).ConfigureAwait(false);
                requests++;
                bytes += n;
                samples += to - from;
                if (!response.IsSuccessStatusCode)
                {
                    non2xx++;
                    failure ??= $"HTTP {(int)response.StatusCode}: {(await response.Content.ReadAsStringAsync().ConfigureAwait(false)).Trim()}";
                }
            }

            Volatile.Write(ref progress[s.Index], round + 1);
        }

        Volatile.Write(ref progress[s.Index], int.MaxValue / 2);
        return new SendResult(samples, requests, non2xx, bytes, failure);
    }

    private static int MinProgress(int[] progress)
    {
        int min = int.MaxValue;
        for (int i = 0; i < progress.Length; i++)
        {
            min = Math.Min(min, Volatile.Read(ref progress[i]));
        }

        return min;
    }

    /// <summary>One remote-write 1.0 body (snappy) with one sample of each series in [from, to); returns its length in <paramref name="body"/>.</summary>
    private static int Encode(NodeHistory history, int from, int to, int round, long ts, ref byte[] raw, ref byte[] body)
    {
        // Sample{ double value = 1; int64 timestamp = 2; } is TimeSeries.samples = 2 (prompb/types.proto).
        int sampleSize = 1 + 8 + 1 + ProtoWriter.VarintSize(unchecked((ulong)ts));
        int size = 0;
        for (int i = from; i < to; i++)
        {
            size += ProtoWriter.LengthDelimitedSize(1, history.Labels[i].Length + ProtoWriter.LengthDelimitedSize(2, sampleSize));
        }

        if (raw.Length < size)
        {
            raw = new byte[size];
            body = new byte[Snappy.MaxEncodedLength(size)];
        }

        int pos = 0;
        for (int i = from; i < to; i++)
        {
            byte[] labels = history.Labels[i];
            var head = new ProtoWriter(raw.AsSpan(pos));
            head.BeginLengthDelimited(1, labels.Length + ProtoWriter.LengthDelimitedSize(2, sampleSize));
            pos += head.Position;
            labels.CopyTo(raw.AsSpan(pos));
            pos += labels.Length;
            var sample = new ProtoWriter(raw.AsSpan(pos));
            sample.BeginLengthDelimited(2, sampleSize);
            sample.WriteDouble(1, history.Next(i, round));
            sample.WriteInt64(2, ts);
            pos += sample.Position;
        }

        return Snappy.Encode(raw.AsSpan(0, size), body);
    }

    private static Dictionary<string, string> ParseFlags(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["--url", "--series", "--series-per-host", "--rounds", "--step-ms", "--samples-per-request", "--senders", "--max-lead"];
        for (int i = 0; i < args.Count; i += 2)
        {
            if (!known.Contains(args[i]) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"unknown flag or missing value: '{args[i]}'");
            }

            flags[args[i]] = args[i + 1];
        }

        return flags.ContainsKey("--url") ? flags : throw new ArgumentException("--url is required");
    }

    private static int Int(Dictionary<string, string> flags, string name, int fallback)
        => flags.TryGetValue(name, out string? v)
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name}: expected a positive integer, got '{v}'")
            : fallback;
}
