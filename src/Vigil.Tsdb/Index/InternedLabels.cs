using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Index;

/// <summary>
/// One label pair as the head's index holds it: one object per distinct pair, shared by every series that has it
/// (<see cref="MemPostings.Add"/> hands them out). A series then costs a reference per label instead of a
/// <see cref="Label"/> copy of two references, and no <see cref="Labels"/> object of its own (issue 5, RSS per active
/// series). The garbage collector decides its lifetime: a series the index forgot keeps its pairs readable, so no
/// reader can ever see another series' labels through it.
/// </summary>
internal sealed class LabelPair(string name, string value)
{
    public string Name { get; } = name;

    public string Value { get; } = value;
}

/// <summary>
/// A head series' labels as its index's shared <see cref="LabelPair"/>s, sorted as <see cref="Labels"/> are. Eight
/// bytes (one array reference); <see cref="ToLabels"/> builds the contract's <see cref="Labels"/> when a reader needs
/// them. Equality, order and hash agree with <see cref="Labels"/>'s for the same content.
/// </summary>
internal readonly struct InternedLabels
{
    private readonly LabelPair[]? _pairs;

    public InternedLabels(LabelPair[] pairs) => _pairs = pairs;

    public int Count => Pairs.Length;

    public ReadOnlySpan<LabelPair> Pairs => _pairs;

    /// <summary>Fresh pairs for <paramref name="labels"/>, shared with nothing: for tests and sinks that keep no index.</summary>
    public static InternedLabels Uninterned(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var pairs = new LabelPair[labels.Count];
        for (int i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new LabelPair(labels[i].Name, labels[i].Value);
        }

        return new InternedLabels(pairs);
    }

    /// <summary>The same value as <see cref="Labels.GetHashCode"/> of these labels.</summary>
    public int ComputeHash()
    {
        var hash = default(HashCode);
        foreach (var pair in Pairs)
        {
            Labels.AddToHash(ref hash, pair.Name, pair.Value);
        }

        return hash.ToHashCode();
    }

    /// <summary>The labels as the storage contract hands them out; allocates. <paramref name="hash"/> is <see cref="ComputeHash"/>'s.</summary>
    public Labels ToLabels(int hash)
    {
        var pairs = Pairs;
        if (pairs.IsEmpty)
        {
            return Labels.Empty;
        }

        var labels = new Label[pairs.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = new Label(pairs[i].Name, pairs[i].Value);
        }

        return Labels.FromSortedWithHash(labels, hash);
    }

    /// <inheritdoc cref="ToLabels(int)"/>
    public Labels ToLabels() => ToLabels(ComputeHash());

    /// <summary>Whether these are exactly <paramref name="labels"/> (ordinal).</summary>
    public bool ContentEquals(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var pairs = Pairs;
        if (pairs.Length != labels.Count)
        {
            return false;
        }

        for (int i = 0; i < pairs.Length; i++)
        {
            var label = labels[i];
            if (!string.Equals(pairs[i].Name, label.Name, StringComparison.Ordinal) || !string.Equals(pairs[i].Value, label.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value of <paramref name="name"/>, or empty when the label is absent.</summary>
    public string Get(string name)
    {
        foreach (var pair in Pairs)
        {
            if (string.Equals(pair.Name, name, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return "";
    }

    /// <summary><see cref="Labels.Compare"/> for interned labels: name, then value, pair by pair; a prefix sorts first.</summary>
    public static int Compare(InternedLabels a, InternedLabels b)
    {
        var x = a.Pairs;
        var y = b.Pairs;
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            if (ReferenceEquals(x[i], y[i]))
            {
                continue; // the same interned pair
            }

            int c = Labels.ComparePair(x[i].Name, x[i].Value, y[i].Name, y[i].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length.CompareTo(y.Length);
    }
}
