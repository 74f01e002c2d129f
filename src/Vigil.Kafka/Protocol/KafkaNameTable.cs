using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Unicode;

namespace Vigil.Kafka;

/// <summary>
/// Topic names seen by one client, so that reading the same names in every Metadata, ListOffsets and OffsetFetch
/// answer allocates nothing once they are known (a collection of 2,000 topics reads each name several times per
/// round). Bounded: past <see cref="MaxNames"/> names are decoded without being kept. Thread-safe.
/// </summary>
internal sealed class KafkaNameTable
{
    public const int MaxNames = 100_000;

    // Kafka limits topic names to 249 characters; longer strings are decoded without the table.
    private const int MaxNameLength = 255;

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public KafkaNameTable() => _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _names.Count;

    /// <summary>The name for these UTF-8 bytes, or null when they are not valid UTF-8 or too long for the table.</summary>
    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxNameLength)
        {
            return null;
        }

        Span<char> chars = stackalloc char[MaxNameLength];
        if (Utf8.ToUtf16(utf8, chars, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return null;
        }

        var span = chars[..written];
        if (_lookup.TryGetValue(span, out var known))
        {
            return known;
        }

        var name = new string(span);
        return _names.Count < MaxNames ? _names.GetOrAdd(name, name) : name;
    }
}
