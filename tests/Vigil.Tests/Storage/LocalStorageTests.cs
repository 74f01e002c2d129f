using System.Net;
using System.Net.Http.Headers;
using Vigil.RemoteWrite.Codec;
using Vigil.Tsdb.Storage;

namespace Vigil.Tests.Storage;

/// <summary>Issue 5: every instance's WAL feeds the embedded TSDB, which answers Prometheus remote read.</summary>
public sealed class LocalStorageTests
{
    [Fact]
    public async Task Pushed_samples_reach_the_head_and_come_back_through_remote_read()
    {
        await using var vigil = await TestVigil.StartAsync();
        var series = Payloads.Series(count: 3, samplesPerSeries: 4, startMs: 1_700_000_000_000);
        Assert.Equal(HttpStatusCode.NoContent, (await vigil.PushAsync(Payloads.V1(series))).StatusCode);
        await WaitFor(() => vigil.Server.Storage!.Head.SeriesCount == 3 && Read(vigil, "vigil_test_metric").Count == 3);

        var read = await RemoteReadAsync(vigil, new RemoteReadQuery(1_700_000_000_000, 1_800_000_000_000, [new(RemoteMatchType.Equal, "__name__", "vigil_test_metric")], null));

        var expected = series.Select(Format).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, read);
    }

    [Fact]
    public async Task Remote_read_answers_bad_requests_with_400_and_a_reason()
    {
        await using var vigil = await TestVigil.StartAsync();

        using var garbage = new ByteArrayContent([1, 2, 3]);
        var response = await vigil.Client.PostAsync("/api/v1/read", garbage);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("snappy:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var badRegex = Payloads.Compress(ReadRequestEncoder.Encode(new RemoteReadRequest(
            [new RemoteReadQuery(0, 1, [new(RemoteMatchType.RegexMatch, "job", "(")], null)], [])));
        response = await vigil.Client.PostAsync("/api/v1/read", new ByteArrayContent(badRegex));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid regular expression", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var chunksOnly = Payloads.Compress(ReadRequestEncoder.Encode(new RemoteReadRequest([], [RemoteReadResponseType.StreamedXorChunks])));
        response = await vigil.Client.PostAsync("/api/v1/read", new ByteArrayContent(chunksOnly));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static string Format(WriteSeries s) =>
        string.Join(",", s.Labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => l.Name + "=" + l.Value)) + " "
        + string.Join(";", s.Samples.Select(p => FormattableString.Invariant($"{p.TimestampMs}:{BitConverter.DoubleToInt64Bits(p.Value)}")));

    private static List<string> Read(TestVigil vigil, string metric)
    {
        using var querier = vigil.Server.Storage!.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, LabelMatcher.Equal("__name__", metric));
        var names = new List<string>();
        while (set.MoveNext())
        {
            names.Add(set.Current.Labels.ToString());
        }

        return names;
    }

    private static async Task<List<string>> RemoteReadAsync(TestVigil vigil, RemoteReadQuery query)
    {
        using var content = new ByteArrayContent(Payloads.Compress(ReadRequestEncoder.Encode(new RemoteReadRequest([query], []))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var response = await vigil.Client.PostAsync("/api/v1/read", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("snappy", Assert.Single(response.Content.Headers.ContentEncoding));
        byte[] compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(Snappy.TryGetDecodedLength(compressed, out int length));
        var body = new byte[length];
        Assert.True(Snappy.TryDecode(compressed, body, out _, out _));

        // ReadResponse.results = 1; each QueryResult is shaped like a 1.0 WriteRequest.
        var c = new ProtoCursor(body, 0, body.Length);
        Assert.True(c.TryReadTag(out int field, out _));
        Assert.Equal(1, field);
        Assert.True(c.TryReadLengthDelimited(out int start, out int resultLength));
        var decoded = new DecodedWriteRequest();
        Assert.True(WriteRequestDecoder.TryDecodeV1(body.AsMemory(start, resultLength), decoded, out var error), error);
        var lines = new List<string>();
        foreach (var series in decoded.Series)
        {
            var labels = new List<(string, string)>();
            foreach (var label in decoded.LabelsOf(series))
            {
                labels.Add((System.Text.Encoding.UTF8.GetString(decoded.Name(label)), System.Text.Encoding.UTF8.GetString(decoded.Value(label))));
            }

            var samples = new List<(long, double)>();
            foreach (var sample in decoded.SamplesOf(series))
            {
                samples.Add((sample.TimestampMs, sample.Value));
            }

            lines.Add(Format(new WriteSeries([.. labels], [.. samples])));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the head");
            await Task.Delay(20);
        }
    }
}
