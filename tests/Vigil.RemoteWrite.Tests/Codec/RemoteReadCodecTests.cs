using System.Text;
using Vigil.RemoteWrite.Codec;

namespace Vigil.RemoteWrite.Tests.Codec;

/// <summary>Issue 5, remote read: prompb ReadRequest decoding and the sampled ReadResponse encoding.</summary>
public sealed class RemoteReadCodecTests
{
    private static byte[] Matcher(int type, string name, string value) =>
        Pb.Bytes(3, Pb.VarintField(1, (ulong)type), Pb.Str(2, name), Pb.Str(3, value));

    [Fact]
    public void A_request_with_every_field_decodes()
    {
        byte[] hints = Pb.Bytes(4, Pb.Concat(
            Pb.VarintField(1, 15000), Pb.Str(2, "rate"), Pb.VarintField(3, 1000), Pb.VarintField(4, 2000),
            Pb.Str(5, "job"), Pb.Str(5, "instance"), Pb.VarintField(6, 1), Pb.VarintField(7, 300000)));
        byte[] query = Pb.Bytes(1, Pb.Concat(
            Pb.VarintField(1, 1000), Pb.VarintField(2, 2000),
            Matcher(0, "__name__", "up"), Matcher(1, "job", "a"), Matcher(2, "instance", "h.*"), Matcher(3, "env", "dev|test"),
            hints));
        byte[] second = Pb.Bytes(1, Pb.Concat(Pb.VarintField(1, unchecked((ulong)-5L)), Pb.VarintField(2, 7)));
        byte[] body = Pb.Concat(query, second, Pb.Bytes(2, [1, 0]));

        Assert.True(ReadRequestDecoder.TryDecode(body, out var request, out var error), error);

        Assert.Equal(2, request!.Queries.Count);
        var q = request.Queries[0];
        Assert.Equal((1000, 2000), (q.StartMs, q.EndMs));
        Assert.Equal(
            [new(RemoteMatchType.Equal, "__name__", "up"), new(RemoteMatchType.NotEqual, "job", "a"),
             new(RemoteMatchType.RegexMatch, "instance", "h.*"), new RemoteReadMatcher(RemoteMatchType.RegexNoMatch, "env", "dev|test")],
            q.Matchers);
        Assert.NotNull(q.Hints);
        Assert.Equal((15000, "rate", 1000, 2000, true, 300000), (q.Hints!.StepMs, q.Hints.Func, q.Hints.StartMs, q.Hints.EndMs, q.Hints.By, q.Hints.RangeMs));
        Assert.Equal(["job", "instance"], q.Hints.Grouping);
        Assert.Equal((-5, 7), (request.Queries[1].StartMs, request.Queries[1].EndMs));
        Assert.Equal([RemoteReadResponseType.StreamedXorChunks, RemoteReadResponseType.Samples], request.AcceptedResponseTypes);
        Assert.True(request.AcceptsSamples);
    }

    [Fact]
    public void An_encoded_request_decodes_to_itself()
    {
        var request = new RemoteReadRequest(
            [new RemoteReadQuery(-1, long.MaxValue, [new(RemoteMatchType.RegexNoMatch, "a", "ü|x"), new(RemoteMatchType.Equal, "__name__", "up")], null),
             new RemoteReadQuery(5, 6, [], null)],
            [RemoteReadResponseType.Samples]);

        Assert.True(ReadRequestDecoder.TryDecode(ReadRequestEncoder.Encode(request), out var decoded, out var error), error);

        Assert.Equal(request.AcceptedResponseTypes, decoded!.AcceptedResponseTypes);
        Assert.Equal(request.Queries.Count, decoded.Queries.Count);
        for (int i = 0; i < request.Queries.Count; i++)
        {
            Assert.Equal((request.Queries[i].StartMs, request.Queries[i].EndMs), (decoded.Queries[i].StartMs, decoded.Queries[i].EndMs));
            Assert.Equal(request.Queries[i].Matchers, decoded.Queries[i].Matchers);
        }
    }

    [Theory]
    [InlineData(new byte[0], true)]
    [InlineData(new byte[] { 0x10, 0x01 }, false)]
    [InlineData(new byte[] { 0x10, 0x00 }, true)]
    public void Accepted_response_types_decide_whether_samples_may_be_sent(byte[] body, bool acceptsSamples)
    {
        Assert.True(ReadRequestDecoder.TryDecode(body, out var request, out var error), error);
        Assert.Equal(acceptsSamples, request!.AcceptsSamples);
    }

    [Theory]
    [InlineData(new byte[] { 0x0a, 0x05, 0x08 }, "protobuf: length prefix runs past end of message at byte 1 in ReadRequest.queries")]
    [InlineData(new byte[] { 0x0a, 0x02, 0x08, 0x80 }, "protobuf: truncated varint at byte 3 in Query")]
    [InlineData(new byte[] { 0x0a, 0x02, 0x1a, 0x00, }, "")]
    [InlineData(new byte[] { 0x0a, 0x04, 0x1a, 0x02, 0x08, 0x07 }, "LabelMatcher.type 7 is not one of EQ, NEQ, RE, NRE")]
    [InlineData(new byte[] { 0x09, 0, 0, 0, 0, 0, 0, 0, 0 }, "protobuf: unexpected wire type for known field at byte 0 in ReadRequest.queries")]
    public void Malformed_requests_give_a_one_line_reason(byte[] body, string expected)
    {
        bool ok = ReadRequestDecoder.TryDecode(body, out _, out var error);
        if (expected.Length == 0)
        {
            Assert.True(ok, error);
            return;
        }

        Assert.False(ok);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_sampled_response_holds_one_result_per_query_in_order()
    {
        var first = new List<WriteSeries>
        {
            new([("__name__", "up"), ("job", "a")], [(1000, 1), (2000, double.NaN)]),
            new([("__name__", "up"), ("job", "b")], [(1000, 0)]),
        };
        byte[] body = ReadResponseEncoder.Encode([first, [], [new([("x", "ü")], [(-1, double.NegativeInfinity)])]]);

        var results = SplitResults(body);
        Assert.Equal(3, results.Count);
        Assert.Equal(first.Select(Describe), DecodeResult(results[0]));
        Assert.Empty(DecodeResult(results[1]));
        Assert.Equal(["x=ü:-1=-Infinity"], DecodeResult(results[2]));
    }

    private static string Describe(WriteSeries s) =>
        string.Join(",", s.Labels.Select(l => l.Name + "=" + l.Value)) + ":" +
        string.Join(";", s.Samples.Select(p => FormattableString.Invariant($"{p.TimestampMs}={BitConverter.DoubleToUInt64Bits(p.Value) switch { var b when double.IsNaN(p.Value) => "NaN" + b, _ => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) }}")));

    private static List<byte[]> SplitResults(byte[] body)
    {
        var results = new List<byte[]>();
        var c = new ProtoCursor(body, 0, body.Length);
        while (c.HasMore)
        {
            Assert.True(c.TryReadTag(out int field, out int wire));
            Assert.Equal((1, ProtoCursor.WireLength), (field, wire));
            Assert.True(c.TryReadLengthDelimited(out int start, out int length));
            results.Add(body[start..(start + length)]);
        }

        return results;
    }

    private static List<string> DecodeResult(byte[] result)
    {
        var decoded = new DecodedWriteRequest();
        Assert.True(WriteRequestDecoder.TryDecodeV1(result, decoded, out var error), error);
        var lines = new List<string>();
        foreach (var series in decoded.Series)
        {
            var labels = new List<(string, string)>();
            foreach (var label in decoded.LabelsOf(series))
            {
                labels.Add((Encoding.UTF8.GetString(decoded.Name(label)), Encoding.UTF8.GetString(decoded.Value(label))));
            }

            var samples = new List<(long, double)>();
            foreach (var sample in decoded.SamplesOf(series))
            {
                samples.Add((sample.TimestampMs, sample.Value));
            }

            lines.Add(Describe(new WriteSeries([.. labels], [.. samples])));
        }

        return lines;
    }
}
