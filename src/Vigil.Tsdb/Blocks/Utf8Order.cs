namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Orders strings as their UTF-8 bytes compare, which is how Prometheus (Go's string comparison) sorts the
/// symbol table and the postings offset table, and how its readers binary-search them. Ordinal UTF-16 order
/// differs only where a surrogate pair (above U+FFFF) meets a character in U+E000..U+FFFF; the comparison moves
/// surrogates above that range, which gives code point order, and code point order is UTF-8 byte order.
/// </summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static Utf8Order Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = Math.Min(x.Length, y.Length);
        int i = x.AsSpan(0, n).CommonPrefixLength(y.AsSpan(0, n));
        if (i == n)
        {
            return x.Length.CompareTo(y.Length);
        }

        return CodePointRank(x[i]).CompareTo(CodePointRank(y[i]));
    }

    /// <summary>The code unit, with surrogates (U+D800..U+DFFF) moved above U+FFFF and U+E000..U+FFFF moved down to make room.</summary>
    private static int CodePointRank(char c) => c switch
    {
        < '\uD800' => c,
        < '\uE000' => c + 0x2000,
        _ => c - 0x800,
    };
}
