using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Vigil.Wal;

/// <summary>
/// Writes a canonical label encoding into a caller-owned span without allocating.
/// Labels must be added in ordinal byte order of name; an out-of-order or duplicate name throws,
/// because it would silently create a second ref for the same series.
/// </summary>
internal ref struct CanonicalLabelsWriter
{
    private readonly Span<byte> _destination;
    private readonly int _expectedCount;
    private int _count;
    private int _length;
    private int _lastNameStart;
    private int _lastNameLength;

    public CanonicalLabelsWriter(Span<byte> destination, int labelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(labelCount);
        _destination = destination;
        _expectedCount = labelCount;
        EnsureSpace(Varint.UvarintSize((ulong)labelCount));
        _length = Varint.WriteUvarint(destination, (ulong)labelCount);
        _lastNameStart = -1;
    }

    /// <summary>Bytes written so far; the encoding is complete once all announced labels are added.</summary>
    public readonly int Length => _length;

    public void Add(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value)
    {
        if (_count == _expectedCount)
        {
            ThrowArgument("more labels added than announced");
        }

        if (_lastNameStart >= 0 && name.SequenceCompareTo(_destination.Slice(_lastNameStart, _lastNameLength)) <= 0)
        {
            ThrowArgument("label names must be unique and sorted in ordinal byte order");
        }

        EnsureSpace(CanonicalLabels.LabelByteCount(name.Length, value.Length));
        _length += Varint.WriteUvarint(_destination[_length..], (ulong)name.Length);
        _lastNameStart = _length;
        _lastNameLength = name.Length;
        name.CopyTo(_destination[_length..]);
        _length += name.Length;
        _length += Varint.WriteUvarint(_destination[_length..], (ulong)value.Length);
        value.CopyTo(_destination[_length..]);
        _length += value.Length;
        _count++;
    }

    /// <summary>UTF-8 encodes via a stack or pooled scratch buffer, so string labels need no byte[] per label.</summary>
    public void Add(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        int total = nameBytes + Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        Span<byte> scratch = total <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(total));
        try
        {
            Encoding.UTF8.GetBytes(name, scratch);
            Encoding.UTF8.GetBytes(value, scratch[nameBytes..]);
            Add(scratch[..nameBytes], scratch[nameBytes..total]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private readonly void EnsureSpace(int bytes)
    {
        if (_destination.Length - _length < bytes)
        {
            ThrowArgument("destination is too small for the canonical label encoding");
        }
    }

    [DoesNotReturn]
    private static void ThrowArgument(string message) => throw new ArgumentException(message);
}
