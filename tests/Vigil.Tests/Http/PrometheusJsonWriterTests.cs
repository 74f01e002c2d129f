using System.Text;
using Vigil.Http;
using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.Tests.Http;

/// <summary>
/// The query API's bytes. Every expected string here is what Prometheus 2.42 (the Debian package) answered for
/// the same value, e.g. <c>/api/v1/query?query=vector(1e-7)&amp;time=1700000000.12</c>.
/// </summary>
public sealed class PrometheusJsonWriterTests
{
    [Theory]
    [InlineData(1e6, "1000000", "1000000")]
    [InlineData(1e21, "1e+21", "1000000000000000000000")]
    [InlineData(1e20, "100000000000000000000", "100000000000000000000")]
    [InlineData(1e-7, "1e-07", "0.0000001")]
    [InlineData(2.5e-7, "2.5e-07", "0.00000025")]
    [InlineData(1e-6, "0.000001", "0.000001")]
    [InlineData(1.5e-5, "0.000015", "0.000015")]
    [InlineData(0.1, "0.1", "0.1")]
    [InlineData(0.3, "0.3", "0.3")]
    [InlineData(-0.0, "-0", "-0")]
    [InlineData(100, "100", "100")]
    [InlineData(123456789.123, "123456789.123", "123456789.123")]
    [InlineData(123456789012345680000.0, "123456789012345680000", "123456789012345680000")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308", null)]
    [InlineData(5e-324, "5e-324", null)]
    [InlineData(double.NaN, "NaN", "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf", "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf", "-Inf")]
    public void Values_are_formatted_as_prometheus_formats_vector_samples_and_scalars(double value, string sample, string? scalar)
    {
        Assert.Equal($"{{\"resultType\":\"vector\",\"result\":[{{\"metric\":{{}},\"value\":[1700000000.120,\"{sample}\"]}}]}}",
            Write(json => json.QueryData(new VectorValue([new Sample(Labels.Empty, 1_700_000_000_120, value)]))));
        if (scalar is not null)
        {
            Assert.Equal($"{{\"resultType\":\"scalar\",\"result\":[1700000000.123,\"{scalar}\"]}}",
                Write(json => json.QueryData(new ScalarValue(1_700_000_000_123, value))));
        }
    }

    [Fact]
    public void Huge_and_tiny_scalars_have_no_exponent()
    {
        Assert.Equal("\"0." + new string('0', 323) + "5\"", Write(json => json.ScalarValue(5e-324)));
        Assert.Equal("\"17976931348623157" + new string('0', 292) + "\"", Write(json => json.ScalarValue(1.7976931348623157e308)));
    }

    [Theory]
    [InlineData(1_700_000_000_120, "1700000000.120", "1700000000.12")]
    [InlineData(1_700_000_000_000, "1700000000", "1700000000")]
    [InlineData(-1_500, "-1.500", "-1.5")]
    [InlineData(-1, "-0.001", "-0.001")]
    [InlineData(1, "0.001", "0.001")]
    [InlineData(0, "0", "0")]
    [InlineData(10, "0.010", "0.01")]
    public void Timestamps_use_prometheus_two_styles(long ms, string sample, string scalar)
    {
        Assert.Equal(sample, Write(json => json.SampleTimestamp(ms)));
        Assert.Equal(scalar, Write(json => json.ScalarTimestamp(ms)));
    }

    [Fact]
    public void Label_values_and_strings_are_escaped_as_go_escapes_them()
    {
        var labels = Labels.FromPairs(("a", "x\"<>&é\u2028"), ("b", "\n\t\r\b\f\u0001\u007f\\/"));
        Assert.Equal("{\"a\":\"x\\\"\\u003c\\u003e\\u0026é\\u2028\",\"b\":\"\\n\\t\\r\\u0008\\u000c\\u0001\u007f\\\\/\"}", Write(json => json.Labels(labels)));
        Assert.Equal("{\"resultType\":\"string\",\"result\":[1,\"\\n\\t\\u0008\\u0001\\u003c\"]}", Write(json => json.QueryData(new StringValue(1000, "\n\t\b\u0001<"))));
        Assert.Equal("\"\\ufffd😀\"", Write(json => json.String("\ud800😀")));
    }

    [Fact]
    public void Matrices_envelopes_and_errors_have_prometheus_field_order()
    {
        var matrix = new MatrixValue([
            new Series(Labels.FromPairs(("__name__", "up"), ("job", "a")), [new FPoint(1_500, 1), new FPoint(2_500, 0)]),
            new Series(Labels.Empty, []),
        ]);
        string text = Write(json =>
        {
            json.BeginSuccess();
            json.QueryData(matrix);
            json.EndSuccess(["w1", "w\"2"]);
        });
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},\"values\":[[1.500,\"1\"],[2.500,\"0\"]]},{\"metric\":{},\"values\":[]}]},\"warnings\":[\"w1\",\"w\\\"2\"]}",
            text);
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", Write(json =>
        {
            json.BeginSuccess();
            json.QueryData(new VectorValue([]));
            json.EndSuccess([]);
        }));
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"time\\\": x\"}", Write(json => json.Error("bad_data", "invalid parameter \"time\": x")));
    }

    [Fact]
    public void The_buffer_grows_past_its_first_rent()
    {
        var samples = Enumerable.Range(0, 5_000).Select(i => new Sample(Labels.FromPairs(("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))), i * 1000L, i)).ToList();
        string text = Write(json => json.QueryData(new VectorValue(samples)));
        Assert.EndsWith("{\"metric\":{\"i\":\"4999\"},\"value\":[4999,\"4999\"]}]}", text, StringComparison.Ordinal);
        Assert.Equal(5_000, text.Split("\"metric\"").Length - 1);
    }

    [Fact]
    public async Task Streaming_a_large_matrix_sends_pieces_with_the_same_bytes()
    {
        var matrix = new MatrixValue([.. Enumerable.Range(0, 50).Select(s => new Series(
            Labels.FromPairs(("series", s.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            [.. Enumerable.Range(0, 2_000).Select(p => new FPoint(p * 15_000L, p * 0.1))]))]);
        string whole = Write(json => json.QueryData(matrix));

        using var stream = new CountingStream();
        using var streamed = new PrometheusJsonWriter();
        await streamed.WriteQueryDataAsync(matrix, stream, CancellationToken.None);
        stream.Write(streamed.Written.Span);
        Assert.Equal(whole, Encoding.UTF8.GetString(stream.ToArray()));
        Assert.True(stream.Writes > whole.Length / PrometheusJsonWriter.FlushThreshold / 2, $"{stream.Writes} writes for {whole.Length} bytes");
        Assert.True(streamed.Written.Length < PrometheusJsonWriter.FlushThreshold);
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    private static string Write(Action<PrometheusJsonWriter> write)
    {
        using var json = new PrometheusJsonWriter();
        write(json);
        return Encoding.UTF8.GetString(json.Written.Span);
    }
}
