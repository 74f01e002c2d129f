using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// Decodes an XOR chunk (<see cref="XorChunk"/> documents the format) one sample per <see cref="Next"/>, with no
/// allocation per sample. Reusable across chunks with <see cref="Reset"/>. The sample count is read from the
/// header at reset, so samples appended to a live chunk afterwards are not seen.
/// </summary>
internal sealed class XorIterator : ISampleIterator
{
    private ReadOnlyMemory<byte> _data;
    private int _position;
    private int _total;
    private int _read;
    private bool _exhausted;
    private long _t;
    private long _tDelta;
    private ulong _valueBits;
    private int _leading;
    private int _trailing;

    /// <summary>Samples in the chunk, from its header.</summary>
    public int Count => _total;

    /// <summary>Starts over on <paramref name="chunk"/> (header included). The bytes must not change while in use.</summary>
    public void Reset(ReadOnlyMemory<byte> chunk)
    {
        if (chunk.Length < XorChunk.HeaderBits / 8)
        {
            ThrowCorrupt($"{chunk.Length} bytes, shorter than the header");
        }

        _data = chunk;
        _total = BinaryPrimitives.ReadUInt16BigEndian(chunk.Span);
        _position = XorChunk.HeaderBits;
        (_read, _exhausted, _t, _tDelta, _valueBits, _leading, _trailing) = (0, false, 0, 0, 0, 0, 0);
    }

    public bool Next()
    {
        if (_read == _total)
        {
            _exhausted = true;
            return false;
        }

        var reader = new BitReader(_data.Span, _position);
        switch (_read)
        {
            case 0:
                _t = Varint.UnZigZag(ReadUvarint(ref reader));
                _valueBits = reader.ReadBits(64);
                break;
            case 1:
                _tDelta = (long)ReadUvarint(ref reader);
                _t += _tDelta;
                ReadValue(ref reader);
                break;
            default:
                _tDelta += ReadDeltaOfDelta(ref reader);
                _t += _tDelta;
                ReadValue(ref reader);
                break;
        }

        if (reader.Overrun)
        {
            ThrowCorrupt($"sample {_read} of {_total} runs past the end of {_data.Length} bytes");
        }

        _position = reader.Position;
        _read++;
        return true;
    }

    public bool Seek(long t)
    {
        if (_exhausted)
        {
            return false;
        }

        if (_read > 0 && _t >= t)
        {
            return true;
        }

        while (Next())
        {
            if (_t >= t)
            {
                return true;
            }
        }

        return false;
    }

    public (long Timestamp, double Value) At() => (_t, BitConverter.UInt64BitsToDouble(_valueBits));

    private static long ReadDeltaOfDelta(ref BitReader reader)
    {
        if (!reader.ReadBit())
        {
            return 0;
        }

        if (!reader.ReadBit())
        {
            return ReadSigned(ref reader, 14);
        }

        if (!reader.ReadBit())
        {
            return ReadSigned(ref reader, 17);
        }

        return reader.ReadBit() ? (long)reader.ReadBits(64) : ReadSigned(ref reader, 20);
    }

    /// <summary>The inverse of the writer's bit range: 0 to 2^(n-1) are positive, the rest wrap to negative.</summary>
    private static long ReadSigned(ref BitReader reader, int bits)
    {
        ulong raw = reader.ReadBits(bits);
        if (raw > 1UL << (bits - 1))
        {
            raw -= 1UL << bits;
        }

        return (long)raw;
    }

    private void ReadValue(ref BitReader reader)
    {
        if (!reader.ReadBit())
        {
            return;
        }

        if (reader.ReadBit())
        {
            ulong window = reader.ReadBits(11);
            int leading = (int)(window >> 6);
            int meaningful = (int)(window & 63);
            meaningful = meaningful == 0 ? 64 : meaningful;
            if (leading + meaningful > 64)
            {
                ThrowCorrupt($"sample {_read}: {leading} leading zeros and {meaningful} meaningful bits exceed 64");
            }

            (_leading, _trailing) = (leading, 64 - leading - meaningful);
        }

        _valueBits ^= reader.ReadBits(64 - _leading - _trailing) << _trailing;
    }

    private ulong ReadUvarint(ref BitReader reader)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            ulong b = reader.ReadBits(8);
            if (shift == 63 && b > 1)
            {
                break;
            }

            value |= (b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        ThrowCorrupt($"sample {_read}: varint overflows 64 bits");
        return 0;
    }

    [DoesNotReturn]
    private void ThrowCorrupt(string detail)
    {
        (_read, _exhausted) = (_total, true);
        throw new CorruptChunkException("corrupt XOR chunk: " + detail);
    }
}
