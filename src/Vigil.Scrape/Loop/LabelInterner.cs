using System.Text;

namespace Vigil.Scrape.Loop;

/// <summary>
/// One string per distinct short label name or value across every scrape loop of the process (issue 4: "labels are
/// interned"). A thousand targets exporting the same families share their names and most values (<c>mode="idle"</c>,
/// <c>cpu="0"</c>) instead of holding a copy per series. Used only when a loop meets a series for the first time, so
/// the lock is off the per-sample path. Bounded: past <see cref="MaxEntries"/> it starts afresh (strings already
/// handed out stay valid; only later ones stop being shared with them), so label churn cannot grow it forever.
/// </summary>
internal static class LabelInterner
{
    /// <summary>Longer values (URLs, paths, messages) are rarely shared; they are not worth a table entry.</summary>
    public const int MaxLength = 64;

    public const int MaxEntries = 1 << 18;

    private static readonly Lock Gate = new();
    private static Dictionary<string, string> _strings = New();
    private static Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Distinct strings held now (tests and diagnostics).</summary>
    public static int Count
    {
        get
        {
            lock (Gate)
            {
                return _strings.Count;
            }
        }
    }

    /// <summary>The shared string for <paramref name="utf8"/>; a new one when it is long or not seen yet.</summary>
    public static string Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxLength];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        return Intern(chars[..length]);
    }

    private static string Intern(ReadOnlySpan<char> value)
    {
        lock (Gate)
        {
            if (_lookup.TryGetValue(value, out string? existing))
            {
                return existing;
            }

            if (_strings.Count >= MaxEntries)
            {
                _strings = New();
                _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            }

            string created = value.ToString();
            _strings.Add(created, created);
            return created;
        }
    }

    private static Dictionary<string, string> New() => new(StringComparer.Ordinal);
}
