namespace Vigil.Monitors.Model;

/// <summary>
/// One parameter value of a monitor: a text (every type but key-value, in its normal form: <c>true</c>, <c>8080</c>,
/// <c>5s</c>) or a string map (key-value lists such as HTTP headers).
/// </summary>
internal sealed class ParamValue : IEquatable<ParamValue>
{
    private ParamValue(string? text, IReadOnlyDictionary<string, string>? map)
    {
        Text = text;
        Map = map;
    }

    public string? Text { get; }

    /// <summary>Sorted by key (ordinal).</summary>
    public IReadOnlyDictionary<string, string>? Map { get; }

    public static ParamValue OfText(string text) => new(text, null);

    public static ParamValue OfMap(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            sorted[key] = value;
        }

        return new ParamValue(null, sorted);
    }

    public bool Equals(ParamValue? other)
    {
        if (other is null)
        {
            return false;
        }

        if (Map is null || other.Map is null)
        {
            return Map is null && other.Map is null && string.Equals(Text, other.Text, StringComparison.Ordinal);
        }

        return Map.Count == other.Map.Count && Map.All(e => other.Map.TryGetValue(e.Key, out var v) && v == e.Value);
    }

    public override bool Equals(object? obj) => Equals(obj as ParamValue);

    public override int GetHashCode() => Text?.GetHashCode(StringComparison.Ordinal) ?? Map!.Count;

    public override string ToString() => Text ?? "{" + string.Join(", ", Map!.Select(e => e.Key + ": " + e.Value)) + "}";
}
