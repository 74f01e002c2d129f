using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Vigil.Wal;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// Encodes block chunks in Vigil's own encoding (<see cref="ChunkEncoding.VigilDecimal"/>), which takes issue 5's
/// benchmark data to fewer bytes per sample than Prometheus's XOR chunks (docs/benchmarks.md, "TSDB").
/// </summary>
/// <remarks>
/// Layout: a 4-byte header, then the payload, raw or Brotli-compressed.
/// <list type="bullet">
/// <item>Header: the sample count (2 bytes, big-endian, where an XOR chunk has it too, so
/// <c>ChunkData.SampleCount</c> reads both), a flags byte (<see cref="FlagBrotli"/>,
/// <see cref="FlagValueDoubleDelta"/>) and the decimal scale s (0 to <see cref="DecimalScale.MaxScale"/>).</item>
/// <item>With <see cref="FlagBrotli"/>: the payload's length as a uvarint, then the Brotli stream.</item>
/// <item>Payload: timestamps (zigzag varints: the first, the first delta, then delta-of-deltas, which are zero at a
/// steady scrape interval); mantissas m (value = m / 10^s) as zigzag varints of the first, then deltas or, with
/// <see cref="FlagValueDoubleDelta"/>, the first delta and delta-of-deltas, whichever is smaller for this chunk;
/// then the exceptions: a uvarint count, and per exception the index gap from the previous one (uvarint) and the
/// value's 64 raw bits (little-endian). An exception's mantissa repeats the previous one, so it costs one zero.</item>
/// </list>
/// Exceptions are the values with no exact decimal form at scale s (NaN payloads and the stale marker, ±Inf,
/// -0.0, most computed ratios), so every double round-trips bit for bit. A chunk whose values are mostly
/// exceptions is better left as XOR; <see cref="Blocks.ChunkTranscoder"/> keeps whichever is smaller. Buffers are
/// pooled and kept across calls; not thread-safe.
/// </remarks>
internal sealed class VigilChunkEncoder : IDisposable
{
    public const int HeaderSize = 4;
    public const byte FlagBrotli = 1;
    public const byte FlagValueDoubleDelta = 2;

    /// <summary>Worst case per sample: timestamp and mantissa varints, an exception's gap and bits.</summary>
    internal const int MaxBytesPerSample = (3 * Varint.MaxLength) + 8;

    // Quality 5 keeps compaction of 100k series in seconds; higher qualities won little on chunks this small.
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 16;

    private byte[] _payload = ArrayPool<byte>.Shared.Rent(4096);
    private byte[] _output = ArrayPool<byte>.Shared.Rent(4096);
    private long[] _mantissas = ArrayPool<long>.Shared.Rent(512);
    private int[] _exceptions = ArrayPool<int>.Shared.Rent(512);
    private int _length;
    private int _exceptionCount;

    /// <summary>
    /// Encodes the samples (timestamps and value bits, same length, at most 65535). The result is valid until
    /// the next call or <see cref="Dispose"/>; callers copy it.
    /// </summary>
    public ReadOnlySpan<byte> Encode(ReadOnlySpan<long> timestamps, ReadOnlySpan<ulong> valueBits)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(valueBits.Length, timestamps.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timestamps.Length, ushort.MaxValue);
        int count = timestamps.Length;
        Grow(ref _payload, (count * MaxBytesPerSample) + 16);
        Grow(ref _mantissas, count);
        Grow(ref _exceptions, count);
        _length = 0;
        WriteTimestamps(timestamps);
        int scale = ChooseScale(valueBits);
        FillMantissas(valueBits, scale);
        bool doubleDelta = MantissaDoubleDeltaBytes(count) < MantissaDeltaBytes(count);
        WriteMantissas(count, doubleDelta);
        WriteExceptions(valueBits);
        return Finish(count, doubleDelta ? FlagValueDoubleDelta : (byte)0, scale);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_payload);
        ArrayPool<byte>.Shared.Return(_output);
        ArrayPool<long>.Shared.Return(_mantissas);
        ArrayPool<int>.Shared.Return(_exceptions);
        (_payload, _output, _mantissas, _exceptions) = ([], [], [], []);
    }

    internal static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            ArrayPool<T>.Shared.Return(buffer);
            buffer = ArrayPool<T>.Shared.Rent(length);
        }
    }

    private void WriteTimestamps(ReadOnlySpan<long> timestamps)
    {
        // Deltas wrap like the XOR chunk's, so any sequence of timestamps round-trips.
        long previous = 0, previousDelta = 0;
        for (int i = 0; i < timestamps.Length; i++)
        {
            long delta = unchecked(timestamps[i] - previous);
            WriteSigned(i < 2 ? (i == 0 ? timestamps[0] : delta) : unchecked(delta - previousDelta));
            (previous, previousDelta) = (timestamps[i], delta);
        }
    }

    /// <summary>The largest of the values' smallest scales: one scale for the chunk keeps mantissas comparable.</summary>
    private static int ChooseScale(ReadOnlySpan<ulong> valueBits)
    {
        int scale = 0;
        for (int i = 0; i < valueBits.Length && scale < DecimalScale.MaxScale; i++)
        {
            scale = Math.Max(scale, DecimalScale.SmallestScale(valueBits[i]));
        }

        return scale;
    }

    private void FillMantissas(ReadOnlySpan<ulong> valueBits, int scale)
    {
        _exceptionCount = 0;
        long previous = 0;
        for (int i = 0; i < valueBits.Length; i++)
        {
            if (!DecimalScale.TryMantissa(valueBits[i], scale, out long mantissa))
            {
                _exceptions[_exceptionCount++] = i;
                mantissa = previous;
            }

            _mantissas[i] = previous = mantissa;
        }
    }

    private long MantissaDeltaBytes(int count)
    {
        long bytes = 0;
        for (int i = 1; i < count; i++)
        {
            bytes += Varint.UvarintSize(Varint.ZigZag(_mantissas[i] - _mantissas[i - 1]));
        }

        return bytes;
    }

    private long MantissaDoubleDeltaBytes(int count)
    {
        long bytes = count > 1 ? Varint.UvarintSize(Varint.ZigZag(_mantissas[1] - _mantissas[0])) : 0;
        for (int i = 2; i < count; i++)
        {
            bytes += Varint.UvarintSize(Varint.ZigZag((_mantissas[i] - _mantissas[i - 1]) - (_mantissas[i - 1] - _mantissas[i - 2])));
        }

        return bytes;
    }

    private void WriteMantissas(int count, bool doubleDelta)
    {
        // Mantissas are within ±2^53, so their deltas and delta-of-deltas cannot overflow.
        long previous = 0, previousDelta = 0;
        for (int i = 0; i < count; i++)
        {
            long delta = _mantissas[i] - previous;
            WriteSigned(i == 0 || !doubleDelta ? delta : (i == 1 ? delta : delta - previousDelta));
            (previous, previousDelta) = (_mantissas[i], delta);
        }
    }

    private void WriteExceptions(ReadOnlySpan<ulong> valueBits)
    {
        WriteUnsigned((ulong)_exceptionCount);
        int previous = 0;
        for (int e = 0; e < _exceptionCount; e++)
        {
            int index = _exceptions[e];
            WriteUnsigned((ulong)(index - previous));
            BinaryPrimitives.WriteUInt64LittleEndian(_payload.AsSpan(_length), valueBits[index]);
            _length += 8;
            previous = index;
        }
    }

    private ReadOnlySpan<byte> Finish(int count, byte flags, int scale)
    {
        int lengthBytes = Varint.UvarintSize((ulong)_length);
        Grow(ref _output, HeaderSize + lengthBytes + BrotliEncoder.GetMaxCompressedLength(_length));
        int size;
        if (BrotliEncoder.TryCompress(_payload.AsSpan(0, _length), _output.AsSpan(HeaderSize + lengthBytes), out int compressed, BrotliQuality, BrotliWindow)
            && lengthBytes + compressed < _length)
        {
            flags |= FlagBrotli;
            Varint.WriteUvarint(_output.AsSpan(HeaderSize), (ulong)_length);
            size = HeaderSize + lengthBytes + compressed;
        }
        else
        {
            _payload.AsSpan(0, _length).CopyTo(_output.AsSpan(HeaderSize));
            size = HeaderSize + _length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_output, (ushort)count);
        _output[2] = flags;
        _output[3] = (byte)scale;
        return _output.AsSpan(0, size);
    }

    private void WriteSigned(long value) => WriteUnsigned(Varint.ZigZag(value));

    private void WriteUnsigned(ulong value) => _length += Varint.WriteUvarint(_payload.AsSpan(_length), value);
}
