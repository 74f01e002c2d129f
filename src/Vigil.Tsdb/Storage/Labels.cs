using System.Diagnostics.CodeAnalysis;
using System.Text;
using Vigil.Wal;

namespace Vigil.Tsdb.Storage;

/// <summary>One label of a series.</summary>
internal readonly record struct Label(string Name, string Value);

/// <summary>
/// An immutable label set, as Prometheus's <c>model/labels.Labels</c>: sorted by name (ordinal), no repeated
/// names, no empty values (an empty value means "no such label" in Prometheus's data model). One array of
/// <see cref="Label"/> per series: series are created rarely and read often, so the set is built once and then
/// shared by the head, the index and every query result. The hash is computed once, at construction.
/// </summary>
internal sealed class Labels : IEquatable<Labels>
{
    private readonly Label[] _labels;
    private readonly int _hash;

    private Labels(Label[] sorted)
    {
        _labels = sorted;
        var hash = default(HashCode);
        foreach (var label in sorted)
        {
            AddToHash(ref hash, label.Name, label.Value);
        }

        _hash = hash.ToHashCode();
    }

    private Labels(Label[] sorted, int hash) => (_labels, _hash) = (sorted, hash);

    public static Labels Empty { get; } = new([]);

    public int Count => _labels.Length;

    public Label this[int index] => _labels[index];

    /// <summary>
    /// Sorts by name and drops empty values; throws <see cref="ArgumentException"/> on a repeated name, which no
    /// stored series may have (Prometheus's head refuses it as an invalid sample).
    /// </summary>
    public static Labels FromPairs(params ReadOnlySpan<(string Name, string Value)> pairs)
    {
        var list = new List<Label>(pairs.Length);
        foreach (var (name, value) in pairs)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (!string.IsNullOrEmpty(value))
            {
                list.Add(new Label(name, value));
            }
        }

        return FromList(list);
    }

    /// <summary>
    /// Decodes the WAL's canonical label bytes (<see cref="CanonicalLabels"/>), e.g. a Series record's labels.
    /// Allocates the strings: call it once per series, when the head first sees it.
    /// </summary>
    public static Labels FromCanonical(ReadOnlySpan<byte> encoded)
    {
        var reader = CanonicalLabels.Read(encoded);
        var list = new List<Label>(reader.Count);
        while (reader.MoveNext())
        {
            if (!reader.Value.IsEmpty)
            {
                list.Add(new Label(Encoding.UTF8.GetString(reader.Name), Encoding.UTF8.GetString(reader.Value)));
            }
        }

        // The WAL sorts by UTF-8 bytes; that is ordinal UTF-16 order for the names Vigil accepts (ASCII), and
        // FromList re-sorts otherwise.
        return FromList(list);
    }

    /// <summary>
    /// Takes ownership of <paramref name="labels"/>, as decoded from a block (already sorted there, so the array is
    /// kept as it is, and sorted only when its order is not ordinal). Throws <see cref="ArgumentException"/> on an
    /// empty value or a repeated name, which no stored series may have.
    /// </summary>
    internal static Labels FromOwnedArray(Label[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (int i = 0; i < labels.Length; i++)
        {
            if (string.IsNullOrEmpty(labels[i].Value))
            {
                throw new ArgumentException($"label \"{labels[i].Name}\" has an empty value");
            }

            if (i > 0 && string.CompareOrdinal(labels[i - 1].Name, labels[i].Name) >= 0)
            {
                var list = new List<Label>(labels);
                return FromList(list);
            }
        }

        return labels.Length == 0 ? Empty : new Labels(labels);
    }

    /// <summary>
    /// Wraps labels already sorted and checked, with their hash as <see cref="AddToHash"/> builds it: the head's
    /// interned labels, which were a valid <see cref="Labels"/> when the series was created.
    /// </summary>
    internal static Labels FromSortedWithHash(Label[] sorted, int hash) => new(sorted, hash);

    /// <summary>One label's part of <see cref="GetHashCode"/>, shared with the head's interned labels so both agree.</summary>
    internal static void AddToHash(ref HashCode hash, string name, string value)
    {
        hash.Add(name, StringComparer.Ordinal);
        hash.Add(value, StringComparer.Ordinal);
    }

    public ReadOnlySpan<Label> AsSpan() => _labels;

    public ReadOnlySpan<Label>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    /// <summary>The value of <paramref name="name"/>, or empty when the label is absent (Prometheus's <c>Get</c>).</summary>
    public string Get(string name)
    {
        int i = IndexOf(name);
        return i < 0 ? "" : _labels[i].Value;
    }

    public bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>Prometheus's <c>labels.Compare</c>: name, then value, label by label; a prefix sorts first.</summary>
    public static int Compare(Labels a, Labels b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = Math.Min(a.Count, b.Count);
        for (int i = 0; i < n; i++)
        {
            int c = ComparePair(a._labels[i].Name, a._labels[i].Value, b._labels[i].Name, b._labels[i].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    /// <summary>One step of <see cref="Compare"/>: name, then value, ordinal.</summary>
    internal static int ComparePair(string nameA, string valueA, string nameB, string valueB)
    {
        int c = string.CompareOrdinal(nameA, nameB);
        return c != 0 ? c : string.CompareOrdinal(valueA, valueB);
    }

    public bool Equals([NotNullWhen(true)] Labels? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null && other._hash == _hash && AsSpan().SequenceEqual(other.AsSpan());
    }

    public override bool Equals(object? obj) => Equals(obj as Labels);

    public override int GetHashCode() => _hash;

    /// <summary><c>{__name__="up", job="node"}</c>, with <c>\</c>, <c>"</c> and newlines escaped.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < _labels.Length; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(_labels[i].Name).Append('=');
            AppendQuoted(sb, _labels[i].Value);
        }

        return sb.Append('}').ToString();
    }

    internal static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
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
    }

    private static Labels FromList(List<Label> list)
    {
        if (list.Count == 0)
        {
            return Empty;
        }

        var sorted = list.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 1; i < sorted.Length; i++)
        {
            if (string.Equals(sorted[i - 1].Name, sorted[i].Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"label name \"{sorted[i].Name}\" is repeated");
            }
        }

        return new Labels(sorted);
    }

    private int IndexOf(string name)
    {
        // Series carry a handful of labels: a linear scan beats a binary search's branches at that size.
        for (int i = 0; i < _labels.Length; i++)
        {
            if (string.Equals(_labels[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
