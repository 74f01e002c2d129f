using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// Reads bits, most significant first, from a span, starting at a bit position. Reading past the end yields
/// zero bits instead of throwing, so the hot path has one bounds test per read; the caller compares
/// <see cref="Position"/> with <see cref="BitLength"/> once per sample to detect truncated data.
/// </summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public BitReader(ReadOnlySpan<byte> data, int bitPosition)
    {
        _data = data;
        _position = bitPosition;
    }

    public readonly int Position => _position;

    public readonly int BitLength => _data.Length * 8;

    /// <summary>True when a read went past the end of the data.</summary>
    public readonly bool Overrun => _position > BitLength;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ReadBit()
    {
        int byteIndex = _position >> 3;
        int shift = 7 - (_position & 7);
        _position++;
        return (uint)byteIndex < (uint)_data.Length && ((_data[byteIndex] >> shift) & 1) != 0;
    }

    /// <summary>Reads <paramref name="count"/> bits (1 to 64) as the low bits of the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadBits(int count)
    {
        Debug.Assert(count is > 0 and <= 64, "1 to 64 bits");
        int byteIndex = _position >> 3;
        int used = _position & 7;
        ulong word = byteIndex + 8 <= _data.Length
            ? BinaryPrimitives.ReadUInt64BigEndian(_data[byteIndex..])
            : LoadPadded(byteIndex);
        word <<= used;
        if (used + count > 64)
        {
            int next = byteIndex + 8;
            word |= (ulong)(next < _data.Length ? _data[next] : 0) >> (8 - used);
        }

        _position += count;
        return word >> (64 - count);
    }

    /// <summary>Eight bytes from <paramref name="byteIndex"/>, zeros past the end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly ulong LoadPadded(int byteIndex)
    {
        ulong word = 0;
        for (int i = 0; i < 8; i++)
        {
            int index = byteIndex + i;
            word = (word << 8) | (index < _data.Length ? _data[index] : 0u);
        }

        return word;
    }
}
