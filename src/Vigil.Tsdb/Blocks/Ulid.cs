using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A ULID (github.com/ulid/spec): 48 bits of Unix milliseconds, then 80 random bits, written as 26 characters of
/// Crockford's base32. Blocks are named by one, as in Prometheus, so that block directories sort by creation time.
/// </summary>
/// <remarks>
/// <see cref="New"/> is monotonic within the process (the spec's monotonic mode): a ULID made in the same
/// millisecond as the previous one, or while the clock stepped back, is the previous one plus one, so two blocks
/// cut back to back still sort in the order they were made.
/// </remarks>
internal readonly record struct Ulid : IComparable<Ulid>
{
    public const int Length = 26;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int RandomBits = 80;

    private static readonly Lock s_lock = new();
    private static UInt128 s_last;

    private readonly UInt128 _value;

    private Ulid(UInt128 value) => _value = value;

    /// <summary>Milliseconds since the Unix epoch when the ULID was made.</summary>
    public long Timestamp => (long)(ulong)(_value >> RandomBits);

    public static Ulid New() => New(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>A ULID for <paramref name="unixMilliseconds"/> (48 bits), greater than every ULID made before.</summary>
    public static Ulid New(long unixMilliseconds)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        UInt128 entropy = 0;
        foreach (byte b in random)
        {
            entropy = (entropy << 8) | b;
        }

        UInt128 value = ((UInt128)(ulong)(unixMilliseconds & 0xFFFF_FFFF_FFFF) << RandomBits) | entropy;
        lock (s_lock)
        {
            if (value <= s_last)
            {
                value = s_last + 1;
            }

            s_last = value;
        }

        return new Ulid(value);
    }

    /// <summary>Parses 26 characters of Crockford's base32 (either case); false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ulid ulid)
    {
        ulid = default;
        if (text.Length != Length)
        {
            return false;
        }

        UInt128 value = 0;
        foreach (char c in text)
        {
            int digit = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 5) | (uint)digit;
        }

        // 26 characters carry 130 bits; the first may only use the low 3 (the spec's overflow rule).
        if (Alphabet.IndexOf(char.ToUpperInvariant(text[0]), StringComparison.Ordinal) > 7)
        {
            return false;
        }

        ulid = new Ulid(value);
        return true;
    }

    /// <summary>Throws <see cref="FormatException"/> naming the text when it is not a ULID.</summary>
    public static Ulid Parse(string text) =>
        TryParse(text, out var ulid) ? ulid : ThrowFormat(text);

    public int CompareTo(Ulid other) => _value.CompareTo(other._value);

    public static bool operator <(Ulid left, Ulid right) => left.CompareTo(right) < 0;

    public static bool operator >(Ulid left, Ulid right) => left.CompareTo(right) > 0;

    public static bool operator <=(Ulid left, Ulid right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Ulid left, Ulid right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(Length, _value, static (chars, value) =>
    {
        for (int i = Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    });

    [DoesNotReturn]
    private static Ulid ThrowFormat(string text) => throw new FormatException($"\"{text}\" is not a ULID (26 characters of Crockford's base32)");
}
