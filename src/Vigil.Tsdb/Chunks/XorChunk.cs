using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Vigil.Wal;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// An append-only chunk of float samples in Gorilla's XOR encoding, byte-compatible with Prometheus's
/// <c>tsdb/chunkenc</c> XOR chunk (encoding 1), so a later block writer can store it as Prometheus does.
/// </summary>
/// <remarks>
/// Layout (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1, with
/// Prometheus's changes for millisecond timestamps):
/// <list type="bullet">
/// <item>2 bytes, big-endian: the sample count.</item>
/// <item>Sample 0: timestamp as a zigzag varint, value as its 64 raw bits.</item>
/// <item>Sample 1: timestamp delta as an unsigned varint, value XOR'd (below).</item>
/// <item>Sample n ≥ 2: delta-of-delta of the timestamp: <c>0</c> for 0; <c>10</c> + 14 bits, <c>110</c> + 17
/// bits, <c>1110</c> + 20 bits when it fits that signed range (Prometheus's <c>bitRange</c>: -(2^(n-1)-1) to
/// 2^(n-1)); else <c>1111</c> + 64 bits. Gorilla's buckets are 7/9/12/32 bits for seconds; Prometheus widened them.</item>
/// <item>Value: XOR with the previous value's bits. <c>0</c> when equal; else <c>1</c>, then <c>0</c> + the
/// meaningful bits when they fit the previous leading/trailing-zero window, or <c>1</c> + 5 bits of leading zeros
/// (clamped to 31) + 6 bits of meaningful-bit count (64 written as 0) + the meaningful bits.</item>
/// </list>
/// Values are handled as raw bits throughout, so NaN payloads (Prometheus's stale marker among them), -0.0 and
/// subnormals round-trip exactly. Appending allocates nothing per sample: the buffer is kept across resets and
/// grows by a quarter when full. The encoder is <see cref="XorAppender"/>; this class owns one. Not thread-safe.
/// An iterator reads the bytes as they were when it was reset, and must not be used after the chunk is appended to
/// again, reset or disposed; the head guards that with the series lock.
/// </remarks>
internal sealed class XorChunk : IDisposable
{
    /// <summary>Samples per chunk before the head cuts a new one (Prometheus's default <c>samplesPerChunk</c>).</summary>
    public const int DefaultSamplesPerChunk = 120;

    /// <summary>The 2-byte header's limit.</summary>
    public const int MaxSamples = ushort.MaxValue;

    internal const int HeaderBits = 16;

    private readonly bool _compact;
    private XorAppender _appender;

    /// <param name="initialBytes">First buffer size; a 120-sample chunk of a typical series takes 150 to 300 bytes.</param>
    /// <param name="compact">See <see cref="XorAppender.Reset(bool)"/>.</param>
    public XorChunk(int initialBytes = 128, bool compact = false)
    {
        _compact = compact;
        _appender.Start(initialBytes);
    }

    public static ChunkEncoding Encoding => ChunkEncoding.Xor;

    public int Count => _appender.Count;

    /// <summary>Encoded size in bits, header included.</summary>
    public int BitLength => _appender.BitLength;

    /// <summary>The encoded chunk, header included. Valid until the next append, <see cref="Reset"/> or <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _appender.Bytes;

    /// <inheritdoc cref="Bytes"/>
    public ReadOnlyMemory<byte> Memory => _appender.Memory;

    /// <inheritdoc cref="XorAppender.Append"/>
    public void Append(long t, double v) => _appender.Append(t, BitConverter.DoubleToUInt64Bits(v));

    /// <summary>An iterator over the samples appended so far; resets <paramref name="reuse"/> when given.</summary>
    public XorIterator Iterator(XorIterator? reuse = null)
    {
        var iterator = reuse ?? new XorIterator();
        iterator.Reset(Memory);
        return iterator;
    }

    /// <summary>Empties the chunk; keeps its buffer, or for a compact chunk what the chunk needed of it.</summary>
    public void Reset() => _appender.Reset(_compact);

    /// <summary>Drops the buffer; the chunk must not be used afterwards.</summary>
    public void Dispose() => _appender.Dispose();

    /// <summary>Prometheus's <c>bitRange</c>: whether x fits n bits as written by the dod buckets.</summary>
    internal static bool FitsBits(long x, int bits) => x >= -((1L << (bits - 1)) - 1) && x <= 1L << (bits - 1);
}

/// <summary>
/// The state and encoder of an XOR chunk being appended to (format in <see cref="XorChunk"/>), as a struct so that a
/// head series can hold its open chunk inline: a separate object was 64 bytes more per series, and its last
/// timestamp and value repeated the series' own (issue 5, RSS per active series). A mutable struct: keep it in a
/// field and never copy it. The default value has no buffer; <see cref="Start"/> gives it one.
/// </summary>
internal struct XorAppender : IDisposable
{
    /// <summary>Sentinel for "no leading/trailing window yet": the next changed value always writes one.</summary>
    private const byte NoWindow = 0xff;

    private BitWriter _stream;
    private long _t;
    private long _tDelta;
    private ulong _valueBits;
    private int _count;
    private byte _leading;
    private byte _trailing;

    /// <summary>Whether <see cref="Start"/> gave the appender a buffer (and <see cref="Dispose"/> has not taken it).</summary>
    public readonly bool IsStarted => _stream.HasBuffer;

    public readonly int Count => _count;

    /// <summary>The newest sample's timestamp; meaningful when <see cref="Count"/> is above 0.</summary>
    public readonly long LastTimestamp => _t;

    /// <summary>The newest sample's value bits; meaningful when <see cref="Count"/> is above 0.</summary>
    public readonly ulong LastValueBits => _valueBits;

    /// <summary>Encoded size in bits, header included.</summary>
    public readonly int BitLength => _stream.BitLength;

    /// <inheritdoc cref="XorChunk.Bytes"/>
    public readonly ReadOnlySpan<byte> Bytes => _stream.Bytes;

    /// <inheritdoc cref="XorChunk.Bytes"/>
    public readonly ReadOnlyMemory<byte> Memory => _stream.Memory;

    /// <summary>Gives the appender an empty chunk in a buffer of <paramref name="initialBytes"/>.</summary>
    public void Start(int initialBytes)
    {
        _stream = new BitWriter(initialBytes);
        StartEmpty();
    }

    /// <summary>
    /// Appends one sample. The chunk does not check order: the head refuses out-of-order samples before they get
    /// here, and the encoding itself round-trips any sequence of timestamps (deltas wrap like Go's uint64).
    /// Allocates nothing unless the buffer grows.
    /// </summary>
    public void Append(long t, ulong bits)
    {
        if (_count == XorChunk.MaxSamples)
        {
            ThrowFull();
        }

        long tDelta = 0;
        switch (_count)
        {
            case 0:
                WriteUvarint(Varint.ZigZag(t));
                _stream.WriteBits(bits, 64);
                break;
            case 1:
                tDelta = t - _t;
                WriteUvarint((ulong)tDelta);
                WriteValue(bits);
                break;
            default:
                tDelta = t - _t;
                WriteDeltaOfDelta(tDelta - _tDelta);
                WriteValue(bits);
                break;
        }

        _t = t;
        _tDelta = tDelta;
        _valueBits = bits;
        _count++;
        _stream.PatchUInt16BigEndian(0, (ushort)_count);
    }

    /// <summary>
    /// Empties the chunk and keeps its buffer. <paramref name="compact"/> is for a head series' open chunk, which
    /// lives as long as the series (issue 5, RSS per active series): a buffer larger than the chunk just finished
    /// needed (an eighth over) is shrunk instead of keeping the largest buffer the series ever needed, which one odd
    /// chunk would pin for good. Kept buffers averaged 630 bytes per series at 100k node_exporter series (a heap
    /// census), about twice the open chunk. A series whose chunks keep their size allocates nothing; one that grows
    /// allocates a quarter more at a time. (Starting each chunk in half that buffer lowers only the average: series
    /// scraped at one interval cut their chunks at the same times, so all open chunks are full at once.)
    /// </summary>
    public void Reset(bool compact)
    {
        if (compact && _count > 0)
        {
            int used = _stream.ByteLength;
            _stream.Reset(used + (used / 8) + BitWriter.Slack);
        }
        else
        {
            _stream.Reset();
        }

        StartEmpty();
    }

    /// <summary>Drops the buffer; <see cref="Start"/> must come before the next append.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _count = 0;
    }

    /// <summary>An empty chunk in the (empty) stream: the header, and no previous sample.</summary>
    private void StartEmpty()
    {
        _stream.WriteBits(0, XorChunk.HeaderBits);
        (_count, _t, _tDelta, _valueBits, _leading, _trailing) = (0, 0, 0, 0, NoWindow, 0);
    }

    // Control bits and payload go out in one write where they fit 64 bits: each write is a read-modify-write.
    private void WriteDeltaOfDelta(long dod)
    {
        if (dod == 0)
        {
            _stream.WriteBit(false);
        }
        else if (XorChunk.FitsBits(dod, 14))
        {
            _stream.WriteBits((0b10UL << 14) | ((ulong)dod & 0x3fff), 2 + 14);
        }
        else if (XorChunk.FitsBits(dod, 17))
        {
            _stream.WriteBits((0b110UL << 17) | ((ulong)dod & 0x1ffff), 3 + 17);
        }
        else if (XorChunk.FitsBits(dod, 20))
        {
            _stream.WriteBits((0b1110UL << 20) | ((ulong)dod & 0xfffff), 4 + 20);
        }
        else
        {
            _stream.WriteBits(0b1111, 4);
            _stream.WriteBits((ulong)dod, 64);
        }
    }

    private void WriteValue(ulong bits)
    {
        ulong xor = bits ^ _valueBits;
        if (xor == 0)
        {
            _stream.WriteBit(false);
            return;
        }

        // Five bits hold at most 31 leading zeros; the rest count as meaningful bits.
        int leading = Math.Min(BitOperations.LeadingZeroCount(xor), 31);
        int trailing = BitOperations.TrailingZeroCount(xor);
        int meaningful;
        if (_leading != NoWindow && leading >= _leading && trailing >= _trailing)
        {
            // Fits the previous window: Gorilla's "control bit 0" case, 10 and the window's bits.
            meaningful = 64 - _leading - _trailing;
            WriteControlAndPayload(0b10, 2, xor >> _trailing, meaningful);
            return;
        }

        (_leading, _trailing) = ((byte)leading, (byte)trailing);
        meaningful = 64 - leading - trailing;

        // 11, leading (5 bits), meaningful count (6 bits, where 64 wraps to 0: 0 meaningful bits never occurs).
        WriteControlAndPayload((0b11UL << 11) | ((uint)leading << 6) | ((uint)meaningful & 63), 13, xor >> trailing, meaningful);
    }

    /// <summary><paramref name="payload"/> has no bits above <paramref name="payloadBits"/>.</summary>
    private void WriteControlAndPayload(ulong control, int controlBits, ulong payload, int payloadBits)
    {
        if (controlBits + payloadBits <= 64)
        {
            _stream.WriteBits((control << payloadBits) | payload, controlBits + payloadBits);
            return;
        }

        _stream.WriteBits(control, controlBits);
        _stream.WriteBits(payload, payloadBits);
    }

    private void WriteUvarint(ulong value)
    {
        // encoding/binary's uvarint, written into the bit stream (byte-aligned here, as the header and the first
        // value are whole bytes, but the stream does not rely on it).
        while (value >= 0x80)
        {
            _stream.WriteBits((value & 0x7f) | 0x80, 8);
            value >>= 7;
        }

        _stream.WriteBits(value, 8);
    }

    [DoesNotReturn]
    private static void ThrowFull() =>
        throw new InvalidOperationException($"an XOR chunk holds at most {XorChunk.MaxSamples} samples (its 2-byte header)");
}
