using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// Reads a <see cref="ChunkEncoding.VigilDecimal"/> chunk (<see cref="VigilChunkEncoder"/> has the layout). The
/// whole chunk is decoded at <see cref="Reset"/> into pooled arrays kept across chunks, because the Brotli stream
/// cannot be read sample by sample; <see cref="Next"/> then only steps an index. Allocates nothing once its
/// buffers have grown to the largest chunk seen. Not thread-safe.
/// </summary>
internal sealed class VigilChunkIterator : ISampleIterator, IDisposable
{
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(4096);
    private long[] _timestamps = ArrayPool<long>.Shared.Rent(512);
    private ulong[] _values = ArrayPool<ulong>.Shared.Rent(512);
    private int _count;
    private int _index;

    /// <summary>Samples in the chunk, from its header.</summary>
    public int Count => _count;

    /// <summary>Decodes <paramref name="chunk"/> (header included); it may change after this returns.</summary>
    public void Reset(ReadOnlyMemory<byte> chunk)
    {
        (_count, _index) = (0, -1);
        var bytes = chunk.Span;
        if (bytes.Length < VigilChunkEncoder.HeaderSize)
        {
            ThrowCorrupt($"{bytes.Length} bytes, shorter than the header");
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        byte flags = bytes[2];
        int scale = bytes[3];
        if (scale > DecimalScale.MaxScale || (flags & ~(VigilChunkEncoder.FlagBrotli | VigilChunkEncoder.FlagValueDoubleDelta)) != 0)
        {
            ThrowCorrupt($"unknown flags {flags:x2} or scale {scale}");
        }

        VigilChunkEncoder.Grow(ref _timestamps, count);
        VigilChunkEncoder.Grow(ref _values, count);
        var payload = Payload(bytes[VigilChunkEncoder.HeaderSize..], (flags & VigilChunkEncoder.FlagBrotli) != 0, count);
        int position = 0;
        ReadTimestamps(payload, ref position, count);
        ReadMantissas(payload, ref position, count, scale, (flags & VigilChunkEncoder.FlagValueDoubleDelta) != 0);
        ReadExceptions(payload, ref position, count);
        if (position != payload.Length)
        {
            ThrowCorrupt($"{payload.Length - position} bytes left over after {count} samples");
        }

        _count = count;
    }

    public bool Next()
    {
        if (_index >= _count)
        {
            return false;
        }

        _index++;
        return _index < _count;
    }

    public bool Seek(long t)
    {
        if (_index >= 0 && _index < _count && _timestamps[_index] >= t)
        {
            return true;
        }

        while (Next())
        {
            if (_timestamps[_index] >= t)
            {
                return true;
            }
        }

        return false;
    }

    public (long Timestamp, double Value) At() => (_timestamps[_index], BitConverter.UInt64BitsToDouble(_values[_index]));

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_scratch);
        ArrayPool<long>.Shared.Return(_timestamps);
        ArrayPool<ulong>.Shared.Return(_values);
        (_scratch, _timestamps, _values, _count) = ([], [], [], 0);
    }

    private ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> body, bool brotli, int count)
    {
        if (!brotli)
        {
            return body;
        }

        if (!Varint.TryReadUvarint(body, out ulong length, out int lengthBytes)
            || length > (ulong)((count * VigilChunkEncoder.MaxBytesPerSample) + 16))
        {
            ThrowCorrupt("bad compressed payload length");
        }

        VigilChunkEncoder.Grow(ref _scratch, (int)length);
        var target = _scratch.AsSpan(0, (int)length);
        if (!BrotliDecoder.TryDecompress(body[lengthBytes..], target, out int written) || written != target.Length)
        {
            ThrowCorrupt("Brotli payload does not decompress to its recorded length");
        }

        return target;
    }

    private void ReadTimestamps(ReadOnlySpan<byte> payload, ref int position, int count)
    {
        long previous = 0, delta = 0;
        for (int i = 0; i < count; i++)
        {
            long read = ReadSigned(payload, ref position);
            delta = i < 2 ? read : unchecked(delta + read);
            previous = i == 0 ? read : unchecked(previous + delta);
            _timestamps[i] = previous;
        }
    }

    private void ReadMantissas(ReadOnlySpan<byte> payload, ref int position, int count, int scale, bool doubleDelta)
    {
        long mantissa = 0, delta = 0;
        for (int i = 0; i < count; i++)
        {
            long read = ReadSigned(payload, ref position);
            delta = doubleDelta && i >= 2 ? unchecked(delta + read) : read;
            mantissa = unchecked(mantissa + delta);
            _values[i] = BitConverter.DoubleToUInt64Bits(DecimalScale.ToDouble(mantissa, scale));
        }
    }

    private void ReadExceptions(ReadOnlySpan<byte> payload, ref int position, int count)
    {
        ulong exceptions = ReadUnsigned(payload, ref position);
        long index = 0;
        for (ulong e = 0; e < exceptions; e++)
        {
            index += (long)Math.Min(ReadUnsigned(payload, ref position), (ulong)count);
            if (index >= count || position + 8 > payload.Length)
            {
                ThrowCorrupt($"exception {e} at sample {index} of {count} is out of range or truncated");
            }

            _values[index] = BinaryPrimitives.ReadUInt64LittleEndian(payload[position..]);
            position += 8;
        }
    }

    private long ReadSigned(ReadOnlySpan<byte> payload, ref int position) => Varint.UnZigZag(ReadUnsigned(payload, ref position));

    private ulong ReadUnsigned(ReadOnlySpan<byte> payload, ref int position)
    {
        if (!Varint.TryReadUvarint(payload[position..], out ulong value, out int read))
        {
            ThrowCorrupt($"truncated varint at payload byte {position}");
        }

        position += read;
        return value;
    }

    [DoesNotReturn]
    private void ThrowCorrupt(string detail)
    {
        (_count, _index) = (0, 0);
        throw new CorruptChunkException("corrupt vigil-decimal chunk: " + detail);
    }
}
