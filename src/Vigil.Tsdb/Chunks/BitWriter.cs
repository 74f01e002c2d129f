using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// Appends bits, most significant first (Prometheus's <c>bstream</c> order), to a buffer that grows by a quarter
/// (not pooled: the pool hands out powers of two, and a head keeps one buffer per series for its life, so a
/// close fit matters more than reuse). A mutable struct: keep it in a field and never copy it.
/// </summary>
/// <remarks>
/// Invariant: every bit past <see cref="BitLength"/> is zero, and at least <see cref="Slack"/> bytes follow the
/// byte being written. So a write is one 64-bit big-endian read-modify-write (plus one byte when it straddles
/// 9 bytes), and a zero bit only moves the length. Bytes already written are rewritten with the same value, so a
/// reader of the written prefix sees it unchanged.
/// </remarks>
internal struct BitWriter : IDisposable
{
    /// <summary>Bytes a write touches from its first byte: 8 for the word, 1 for a straddling tail.</summary>
    internal const int Slack = 9;

    private byte[] _buffer;
    private int _bitLength;

    public BitWriter(int initialBytes)
    {
        _buffer = new byte[Math.Max(initialBytes, 2 * Slack)];
    }

    public readonly int BitLength => _bitLength;

    /// <summary>False for the default value and after <see cref="Dispose"/>.</summary>
    public readonly bool HasBuffer => _buffer is { Length: > 0 };

    public readonly int ByteLength => (_bitLength + 7) >> 3;

    /// <summary>The written bytes; the last one is zero-padded. Valid until the next write, <see cref="Reset"/> or <see cref="Dispose"/>.</summary>
    public readonly ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, ByteLength);

    /// <inheritdoc cref="Bytes"/>
    public readonly ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, ByteLength);

    /// <summary>Appends the low <paramref name="count"/> bits of <paramref name="value"/> (1 to 64); higher bits are ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBits(ulong value, int count)
    {
        Debug.Assert(count is > 0 and <= 64, "1 to 64 bits");
        int byteIndex = _bitLength >> 3;
        if (byteIndex + Slack > _buffer.Length)
        {
            Grow();
        }

        int used = _bitLength & 7;
        ulong aligned = value << (64 - count);
        Span<byte> target = _buffer.AsSpan(byteIndex, Slack);
        BinaryPrimitives.WriteUInt64BigEndian(target, BinaryPrimitives.ReadUInt64BigEndian(target) | (aligned >> used));
        if (used + count > 64)
        {
            target[8] = (byte)((aligned << (64 - used)) >> 56);
        }

        _bitLength += count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBit(bool bit)
    {
        if (bit)
        {
            WriteBits(1, 1);
            return;
        }

        // Bits past the length are already zero; keep the slack invariant for the next write.
        if ((_bitLength >> 3) + Slack > _buffer.Length)
        {
            Grow();
        }

        _bitLength++;
    }

    /// <summary>Overwrites two whole bytes at <paramref name="byteOffset"/>, which must already be written (a header).</summary>
    public readonly void PatchUInt16BigEndian(int byteOffset, ushort value)
    {
        Debug.Assert(byteOffset + 2 <= ByteLength, "patch inside the written bytes");
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(byteOffset, 2), value);
    }

    /// <summary>Empties the writer and keeps its buffer, for reuse.</summary>
    public void Reset()
    {
        Array.Clear(_buffer, 0, ByteLength);
        _bitLength = 0;
    }

    /// <summary>
    /// Empties the writer; a buffer larger than <paramref name="maxBytes"/> is replaced by one of that size (a
    /// head's next chunk starts small instead of keeping its largest chunk's buffer; see <see cref="XorChunk"/>).
    /// </summary>
    public void Reset(int maxBytes)
    {
        maxBytes = Math.Max(maxBytes, 2 * Slack);
        if (_buffer.Length <= maxBytes)
        {
            Reset();
            return;
        }

        _buffer = new byte[maxBytes];
        _bitLength = 0;
    }

    public void Dispose()
    {
        _buffer = [];
        _bitLength = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, typeof(BitWriter));
        // A quarter more, not double: every head series keeps its open chunk's buffer, and a 120-sample chunk of
        // 250 to 300 bytes would sit in a 512-byte one (200 bytes per series wasted; issue 5's RSS target).
        byte[] larger = new byte[Math.Max(_buffer.Length + (_buffer.Length / 4), _buffer.Length + (2 * Slack))];
        _buffer.AsSpan(0, ByteLength).CopyTo(larger);
        _buffer = larger;
    }
}
