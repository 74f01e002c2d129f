using System.Diagnostics;
using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.Http;

// The API's envelopes and query values, in the field order of Prometheus 2.42's web/api/v1 structs: response
// {status, data, errorType, error, warnings}, queryData {resultType, result}, and promql's Sample/Series shapes.
internal sealed partial class PrometheusJsonWriter
{
    /// <summary><c>{"status":"success","data":</c>; the caller writes the data, then <see cref="EndSuccess"/>.</summary>
    public void BeginSuccess() => Raw("{\"status\":\"success\",\"data\":"u8);

    /// <summary>Closes the envelope, with <c>warnings</c> only when there are some (Go's omitempty).</summary>
    public void EndSuccess(IReadOnlyList<string>? warnings)
    {
        if (warnings is { Count: > 0 })
        {
            Raw(",\"warnings\":"u8);
            StringArray(warnings);
        }

        Byte((byte)'}');
    }

    /// <summary><c>{"status":"error","errorType":"bad_data","error":"..."}</c>.</summary>
    public void Error(string errorType, string message)
    {
        Raw("{\"status\":\"error\",\"errorType\":"u8);
        String(errorType);
        Raw(",\"error\":"u8);
        String(message);
        Byte((byte)'}');
    }

    public void StringArray(IReadOnlyList<string> values)
    {
        Byte((byte)'[');
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            String(values[i]);
        }

        Byte((byte)']');
    }

    /// <summary>A label set as a JSON object (Go marshals <c>labels.Labels</c> as a map, keys sorted).</summary>
    public void Labels(Labels labels)
    {
        Byte((byte)'{');
        bool first = true;
        foreach (var label in labels)
        {
            if (!first)
            {
                Byte((byte)',');
            }

            first = false;
            String(label.Name);
            Byte((byte)':');
            String(label.Value);
        }

        Byte((byte)'}');
    }

    /// <summary><c>{"resultType":"vector","result":[...]}</c> for any query value, into the buffer.</summary>
    public void QueryData(QueryValue value)
    {
        // Without a stream nothing is flushed, so this completes synchronously.
        var write = WriteQueryDataAsync(value, null, CancellationToken.None);
        Debug.Assert(write.IsCompleted, "writing without a stream never waits");
        write.GetAwaiter().GetResult();
    }

    /// <summary>
    /// <see cref="QueryData"/>, sending what is written to <paramref name="stream"/> whenever the buffer holds
    /// <see cref="FlushThreshold"/> bytes (never, when null), so a large vector or matrix goes out in pieces.
    /// </summary>
    public async ValueTask WriteQueryDataAsync(QueryValue value, Stream? stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        Raw("{\"resultType\":\""u8);
        Raw(ResultType(value.Type));
        Raw("\",\"result\":"u8);
        switch (value)
        {
            case ScalarValue scalar:
                Byte((byte)'[');
                ScalarTimestamp(scalar.T);
                Byte((byte)',');
                ScalarValue(scalar.F);
                Byte((byte)']');
                break;
            case StringValue text:
                Byte((byte)'[');
                ScalarTimestamp(text.T);
                Byte((byte)',');
                String(text.Value);
                Byte((byte)']');
                break;
            case VectorValue vector:
                await VectorAsync(vector.Samples, stream, cancellationToken).ConfigureAwait(false);
                break;
            case MatrixValue matrix:
                await MatrixAsync(matrix.Series, stream, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, "unknown query value");
        }

        Byte((byte)'}');
    }

    private async ValueTask VectorAsync(IReadOnlyList<Sample> samples, Stream? stream, CancellationToken cancellationToken)
    {
        Byte((byte)'[');
        for (int i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            Raw(i == 0 ? "{\"metric\":"u8 : ",{\"metric\":"u8);
            Labels(sample.Metric);
            Raw(",\"value\":["u8);
            SampleTimestamp(sample.T);
            Byte((byte)',');
            SampleValue(sample.F);
            Raw("]}"u8);
            await FlushIfFullAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        Byte((byte)']');
    }

    private async ValueTask MatrixAsync(IReadOnlyList<Series> series, Stream? stream, CancellationToken cancellationToken)
    {
        Byte((byte)'[');
        for (int i = 0; i < series.Count; i++)
        {
            Raw(i == 0 ? "{\"metric\":"u8 : ",{\"metric\":"u8);
            Labels(series[i].Metric);
            Raw(",\"values\":["u8);
            var points = series[i].Points;
            for (int p = 0; p < points.Count; p++)
            {
                Raw(p == 0 ? "["u8 : ",["u8);
                SampleTimestamp(points[p].T);
                Byte((byte)',');
                SampleValue(points[p].F);
                Byte((byte)']');
                await FlushIfFullAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            Raw("]}"u8);
        }

        Byte((byte)']');
    }

    private static ReadOnlySpan<byte> ResultType(PromQL.ValueType type) => type switch
    {
        PromQL.ValueType.Scalar => "scalar"u8,
        PromQL.ValueType.String => "string"u8,
        PromQL.ValueType.Vector => "vector"u8,
        _ => "matrix"u8,
    };
}
