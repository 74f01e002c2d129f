using System.Buffers;
using System.Text;

namespace Vigil.Wal;

/// <summary>
/// The canonical label encoding: labelCount uvarint, then per label nameLen, name, valueLen, value,
/// sorted by name in ordinal byte order. Used in Series records and as the SeriesTable key, so equal label
/// sets always have equal bytes.
/// </summary>
internal static class CanonicalLabels
{
    /// <summary>Upper bound of the encoded size for labels whose UTF-8 byte lengths sum to <paramref name="totalBytes"/>.</summary>
    public static int GetMaxByteCount(int labelCount, int totalBytes) =>
        Varint.MaxLength + (labelCount * 2 * 5) + totalBytes;

    /// <summary>Exact encoded size of labels already sorted by name.</summary>
    public static int GetByteCount(ReadOnlySpan<(byte[] Name, byte[] Value)> sortedLabels)
    {
        int size = Varint.UvarintSize((ulong)sortedLabels.Length);
        foreach (var (name, value) in sortedLabels)
        {
            size += LabelByteCount(name.Length, value.Length);
        }

        return size;
    }

    /// <summary>Encoded size of one label: nameLen, name, valueLen, value.</summary>
    public static int LabelByteCount(int nameLength, int valueLength) =>
        Varint.UvarintSize((ulong)nameLength) + nameLength + Varint.UvarintSize((ulong)valueLength) + valueLength;

    /// <summary>Writes labels already sorted by name; throws ArgumentException if they are not sorted or do not fit.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<(byte[] Name, byte[] Value)> sortedLabels)
    {
        var writer = new CanonicalLabelsWriter(destination, sortedLabels.Length);
        foreach (var (name, value) in sortedLabels)
        {
            writer.Add(name, value);
        }

        return writer.Length;
    }

    public static int Write(IBufferWriter<byte> output, ReadOnlySpan<(byte[] Name, byte[] Value)> sortedLabels)
    {
        int size = GetByteCount(sortedLabels);
        int written = Write(output.GetSpan(size), sortedLabels);
        output.Advance(written);
        return written;
    }

    /// <summary>Sorts and encodes; allocates. For tests and tools, not the hot path.</summary>
    public static byte[] Encode(params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var sorted = labels.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        int total = 0;
        foreach (var (name, value) in sorted)
        {
            total += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }

        var buffer = new byte[GetMaxByteCount(sorted.Length, total)];
        var writer = new CanonicalLabelsWriter(buffer, sorted.Length);
        foreach (var (name, value) in sorted)
        {
            writer.Add(name, value);
        }

        return buffer.AsSpan(0, writer.Length).ToArray();
    }

    public static CanonicalLabelsReader Read(ReadOnlySpan<byte> encoded) => new(encoded);

    /// <summary>Length of the canonical encoding at the start of <paramref name="source"/>; false if it is malformed.</summary>
    public static bool TryMeasure(ReadOnlySpan<byte> source, out int length)
    {
        length = 0;
        if (!Varint.TryReadUvarint(source, out ulong count, out int pos) || count > (ulong)source.Length)
        {
            return false;
        }

        for (ulong i = 0; i < count * 2; i++)
        {
            if (!Varint.TryReadUvarint(source[pos..], out ulong len, out int n) || len > (ulong)(source.Length - pos - n))
            {
                return false;
            }

            pos += n + (int)len;
        }

        length = pos;
        return true;
    }

    /// <summary>Debug form <c>{__name__="x", a="b"}</c>; allocates. For tools and tests.</summary>
    public static string Format(ReadOnlySpan<byte> encoded)
    {
        var sb = new StringBuilder("{");
        var reader = new CanonicalLabelsReader(encoded);
        bool first = true;
        while (reader.MoveNext())
        {
            sb.Append(first ? "" : ", ").Append(Encoding.UTF8.GetString(reader.Name)).Append("=\"");
            foreach (char c in Encoding.UTF8.GetString(reader.Value))
            {
                _ = c switch
                {
                    '\\' => sb.Append("\\\\"),
                    '"' => sb.Append("\\\""),
                    '\n' => sb.Append("\\n"),
                    _ => sb.Append(c),
                };
            }

            sb.Append('"');
            first = false;
        }

        return sb.Append('}').ToString();
    }
}
