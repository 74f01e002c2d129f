using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Vigil.Tsdb.Tools;

namespace Vigil.Http;

/// <summary>
/// Writes the Prometheus HTTP API's JSON (issue 6) with a cursor into one rented buffer, byte for byte as
/// Prometheus 2.42 writes it: Go's <c>encoding/json</c> string escaping (HTML characters and U+2028/U+2029 as
/// <c>\u</c> escapes, control characters as <c>\u00xx</c> except <c>\n \r \t</c>), sample values through
/// <see cref="PromtoolText.FormatShortest"/>, and its two timestamp styles. Not thread-safe; one per response.
/// Dispose returns the buffer.
/// </summary>
internal sealed partial class PrometheusJsonWriter : IDisposable
{
    /// <summary>What <see cref="WriteQueryDataAsync"/> lets the buffer hold before it sends it.</summary>
    public const int FlushThreshold = 64 << 10;

    private const int InitialSize = 16 << 10;
    private static readonly byte[] s_hex = "0123456789abcdef"u8.ToArray();

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _at;

    /// <summary>What was written so far; valid until the next write or dispose.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _at);

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>Sends what was written to <paramref name="stream"/> once it reaches <see cref="FlushThreshold"/> bytes.</summary>
    private ValueTask FlushIfFullAsync(Stream? stream, CancellationToken cancellationToken)
    {
        if (stream is null || _at < FlushThreshold)
        {
            return ValueTask.CompletedTask;
        }

        return FlushAsync(stream, cancellationToken);
    }

    private async ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_buffer.AsMemory(0, _at), cancellationToken).ConfigureAwait(false);
        _at = 0;
    }

    /// <summary>Forgets what was written (an error replaces a half-written answer).</summary>
    public void Reset() => _at = 0;

    /// <summary>Bytes that are already JSON (punctuation, keys with their quotes).</summary>
    public void Raw(ReadOnlySpan<byte> json)
    {
        json.CopyTo(Reserve(json.Length));
        _at += json.Length;
    }

    public void Byte(byte b)
    {
        Reserve(1)[0] = b;
        _at++;
    }

    public void Int64(long value)
    {
        Utf8Formatter.TryFormat(value, Reserve(20), out int written);
        _at += written;
    }

    /// <summary>A JSON string, escaped as Go's encoding/json escapes it.</summary>
    public void String(string value)
    {
        Byte((byte)'"');
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i];
            if (c < 0x80)
            {
                Ascii(c);
                i++;
                continue;
            }

            var decoded = Rune.DecodeFromUtf16(value.AsSpan(i), out Rune rune, out int consumed);
            i += consumed;
            if (decoded != OperationStatus.Done || rune.Value is 0x2028 or 0x2029)
            {
                // A lone surrogate is what Go sees as invalid UTF-8, which its encoder writes as an escaped U+FFFD.
                Escape(decoded != OperationStatus.Done ? 0xFFFD : rune.Value);
                continue;
            }

            _at += rune.EncodeToUtf8(Reserve(4));
        }

        Byte((byte)'"');
    }

    /// <summary>A sample value as the API's JSON string (<c>"1e+21"</c>, <c>"NaN"</c>, <c>"-0"</c>).</summary>
    public void SampleValue(double value) => QuotedFloat(value, GoFloatLayout.ApiSample);

    /// <summary>
    /// A scalar's value: Prometheus's <c>promql.Scalar.MarshalJSON</c> uses <c>strconv.FormatFloat(v, 'f', -1, 64)</c>,
    /// so a scalar never has an exponent even where a vector's sample would (checked against 2.42).
    /// </summary>
    public void ScalarValue(double value) => QuotedFloat(value, GoFloatLayout.Fixed);

    /// <summary>
    /// A sample's timestamp (web/api/v1 <c>marshalTimestamp</c>): whole seconds, then, when the milliseconds are not
    /// zero, a point and exactly three digits (<c>1700000000.120</c>, <c>-1.500</c>).
    /// </summary>
    public void SampleTimestamp(long ms)
    {
        if (ms < 0)
        {
            Byte((byte)'-');
        }

        ulong abs = ms < 0 ? (ulong)-(ms + 1) + 1 : (ulong)ms;
        Utf8Formatter.TryFormat(abs / 1000, Reserve(20), out int written);
        _at += written;
        ulong fraction = abs % 1000;
        if (fraction != 0)
        {
            Span<byte> span = Reserve(4);
            span[0] = (byte)'.';
            span[1] = (byte)('0' + (fraction / 100));
            span[2] = (byte)('0' + (fraction / 10 % 10));
            span[3] = (byte)('0' + (fraction % 10));
            _at += 4;
        }
    }

    /// <summary>
    /// A scalar's or string's timestamp: <c>float64(t) / 1000</c> through encoding/json, the shortest decimal with
    /// no trailing zeros (<c>1700000000.12</c>). Millisecond timestamps never reach its exponent range.
    /// </summary>
    public void ScalarTimestamp(long ms)
    {
        _at += PromtoolText.FormatShortest(ms / 1000.0, GoFloatLayout.Fixed, Reserve(PromtoolText.MaxShortestLength));
    }

    private void QuotedFloat(double value, GoFloatLayout layout)
    {
        Span<byte> span = Reserve(PromtoolText.MaxShortestLength + 2);
        span[0] = (byte)'"';
        int length = PromtoolText.FormatShortest(value, layout, span[1..]);
        span[length + 1] = (byte)'"';
        _at += length + 2;
    }

    private void Ascii(char c)
    {
        switch (c)
        {
            case '"':
                Raw("\\\""u8);
                break;
            case '\\':
                Raw("\\\\"u8);
                break;
            case '\n':
                Raw("\\n"u8);
                break;
            case '\r':
                Raw("\\r"u8);
                break;
            case '\t':
                Raw("\\t"u8);
                break;
            case < ' ' or '<' or '>' or '&':
                Escape(c);
                break;
            default:
                Byte((byte)c);
                break;
        }
    }

    private void Escape(int codePoint)
    {
        Span<byte> span = Reserve(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = s_hex[(codePoint >> 12) & 0xF];
        span[3] = s_hex[(codePoint >> 8) & 0xF];
        span[4] = s_hex[(codePoint >> 4) & 0xF];
        span[5] = s_hex[codePoint & 0xF];
        _at += 6;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _at < count)
        {
            Grow(count);
        }

        return _buffer.AsSpan(_at);
    }

    private void Grow(int count)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        byte[] next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _at + count));
        _buffer.AsSpan(0, _at).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
