using System.Text;

namespace Vigil.Common.Relabel;

/// <summary>
/// Rewrites an RE2 pattern (Go 1.19's regexp, as Prometheus 2.42 runs it) into .NET syntax with the same meaning:
/// <c>$</c> is the end of the text (not before a final newline), <c>\d \w \s</c> are ASCII, <c>\pL</c> and
/// <c>[[:alpha:]]</c> are understood, <c>(?P&lt;name&gt;</c> becomes .NET's <c>(?&lt;name&gt;</c>, and Perl's
/// <c>(?&lt;name&gt;</c> and lookbehind, which that RE2 refuses, are refused. A single pass that knows only escapes,
/// character classes and groups; anything else is copied, and .NET's parser reports what neither engine accepts.
/// </summary>
internal static class Re2Translator
{
    private static readonly Dictionary<string, string> s_posixClasses = new(StringComparer.Ordinal)
    {
        ["[:alnum:]"] = "0-9A-Za-z", ["[:alpha:]"] = "A-Za-z", ["[:ascii:]"] = @"\x00-\x7F",
        ["[:blank:]"] = @"\t ", ["[:cntrl:]"] = @"\x00-\x1F\x7F", ["[:digit:]"] = "0-9",
        ["[:graph:]"] = @"!-~", ["[:lower:]"] = "a-z", ["[:print:]"] = @" -~",
        ["[:punct:]"] = @"!-/:-@\[-`{-~", ["[:space:]"] = @"\t\n\v\f\r ", ["[:upper:]"] = "A-Z",
        ["[:word:]"] = "0-9A-Za-z_", ["[:xdigit:]"] = "0-9A-Fa-f",
    };

    // RE2 refuses a repeat count above 1000 ("invalid repeat count"); .NET would build the huge automaton.
    // A '{' that does not start a well-formed repeat is a literal in both.
    private const int MaxRepeat = 1000;

    // RE2 names Unicode scripts (\p{Greek}); .NET knows general categories (\p{L}) and blocks (\p{IsGreekandCoptic})
    // but no scripts, so a script is approximated by the blocks that hold it.
    private static readonly Dictionary<string, string> s_scriptBlocks = new(StringComparer.Ordinal)
    {
        ["Greek"] = @"\p{IsGreekandCoptic}\p{IsGreekExtended}",
        ["Latin"] = @"A-Za-z\p{IsLatin-1Supplement}\p{IsLatinExtended-A}\p{IsLatinExtended-B}\p{IsLatinExtendedAdditional}",
        ["Cyrillic"] = @"\p{IsCyrillic}\p{IsCyrillicSupplement}",
        ["Han"] = @"\p{IsCJKUnifiedIdeographs}\p{IsCJKUnifiedIdeographsExtensionA}\p{IsCJKCompatibilityIdeographs}",
        ["Arabic"] = @"\p{IsArabic}", ["Hebrew"] = @"\p{IsHebrew}", ["Armenian"] = @"\p{IsArmenian}",
        ["Georgian"] = @"\p{IsGeorgian}", ["Devanagari"] = @"\p{IsDevanagari}", ["Thai"] = @"\p{IsThai}",
        ["Hiragana"] = @"\p{IsHiragana}", ["Katakana"] = @"\p{IsKatakana}", ["Hangul"] = @"\p{IsHangulSyllables}\p{IsHangulJamo}",
    };

    /// <summary>Appends the translation to <paramref name="output"/>; false when RE2 would refuse the pattern.</summary>
    public static bool TryTranslate(string pattern, StringBuilder output)
    {
        // (?m) makes '$' an end of line, which .NET's multiline '$' already is; only the default needs \z.
        bool multiline = HasMultilineFlag(pattern);
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            bool ok = c switch
            {
                '\\' => CopyEscape(pattern, ref i, output, inClass: false),
                '[' => CopyClass(pattern, ref i, output),
                '(' => CopyGroupOpen(pattern, ref i, output),
                '{' => CopyRepeat(pattern, ref i, output),
                '$' when !multiline => Emit(output, @"\z", ref i, 1),
                _ => Emit(output, c, ref i),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasMultilineFlag(string pattern)
    {
        for (int at = pattern.IndexOf("(?", StringComparison.Ordinal); at >= 0; at = pattern.IndexOf("(?", at + 2, StringComparison.Ordinal))
        {
            int end = at + 2;
            while (end < pattern.Length && (char.IsAsciiLetter(pattern[end]) || pattern[end] == '-'))
            {
                if (pattern[end++] == 'm')
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool CopyGroupOpen(string pattern, ref int i, StringBuilder output)
    {
        var rest = pattern.AsSpan(i);
        if (rest.StartsWith("(?P<"))
        {
            return Emit(output, "(?<", ref i, 4);
        }

        // Go 1.19's RE2 refuses Perl's (?<name>, and lookbehind; .NET would accept both.
        return !rest.StartsWith("(?<") && Emit(output, '(', ref i);
    }

    private static bool CopyClass(string pattern, ref int i, StringBuilder output)
    {
        output.Append('[');
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            output.Append('^');
            i++;
        }

        // A ']' first in the class is a literal in RE2; .NET reads it the same way, but escape it to be sure.
        if (i < pattern.Length && pattern[i] == ']')
        {
            output.Append(@"\]");
            i++;
        }

        while (i < pattern.Length && pattern[i] != ']')
        {
            if (!CopyClassItem(pattern, ref i, output))
            {
                return false;
            }
        }

        return i < pattern.Length && Emit(output, ']', ref i);
    }

    private static bool CopyClassItem(string pattern, ref int i, StringBuilder output)
    {
        if (pattern[i] == '\\')
        {
            return CopyEscape(pattern, ref i, output, inClass: true);
        }

        if (pattern[i] == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
        {
            int end = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
            if (end < 0 || !s_posixClasses.TryGetValue(pattern[i..(end + 2)], out var ranges))
            {
                return false;
            }

            output.Append(ranges);
            i = end + 2;
            return true;
        }

        // '[' and '-' sequences that .NET reads specially ("[a-[b]]" is subtraction there) are literal in RE2.
        return pattern[i] == '[' ? Emit(output, @"\[", ref i, 1) : Emit(output, pattern[i], ref i);
    }

    private static bool CopyEscape(string pattern, ref int i, StringBuilder output, bool inClass)
    {
        if (i + 1 >= pattern.Length)
        {
            return false; // A trailing backslash.
        }

        char e = pattern[i + 1];
        string? ascii = (e, inClass) switch
        {
            ('d', false) => "[0-9]", ('D', false) => "[^0-9]",
            ('w', false) => "[0-9A-Za-z_]", ('W', false) => "[^0-9A-Za-z_]",
            ('s', false) => @"[\t\n\f\r ]", ('S', false) => @"[^\t\n\f\r ]",
            ('d', true) => "0-9", ('w', true) => "0-9A-Za-z_", ('s', true) => @"\t\n\f\r ",
            _ => null,
        };
        if (ascii is not null)
        {
            return Emit(output, ascii, ref i, 2);
        }

        if ((e == 'p' || e == 'P') && i + 2 < pattern.Length && pattern[i + 2] == '{')
        {
            return CopyUnicodeClass(pattern, ref i, output, inClass);
        }

        if ((e == 'p' || e == 'P') && i + 2 < pattern.Length && pattern[i + 2] != '{')
        {
            // RE2's one-letter form \pL is \p{L} in .NET.
            output.Append('\\').Append(e).Append('{').Append(pattern[i + 2]).Append('}');
            i += 3;
            return true;
        }

        return Emit(output, pattern.Substring(i, 2), ref i, 2);
    }

    private static bool Emit(StringBuilder output, char c, ref int i)
    {
        output.Append(c);
        i++;
        return true;
    }

    private static bool Emit(StringBuilder output, string text, ref int i, int consumed)
    {
        output.Append(text);
        i += consumed;
        return true;
    }

    private static bool CopyRepeat(string pattern, ref int i, StringBuilder output)
    {
        int close = pattern.IndexOf('}', i + 1);
        if (close > i + 1)
        {
            var body = pattern.AsSpan(i + 1, close - i - 1);
            int comma = body.IndexOf(',');
            var min = comma < 0 ? body : body[..comma];
            var max = comma < 0 ? ReadOnlySpan<char>.Empty : body[(comma + 1)..];
            if (IsDigits(min) && (max.IsEmpty || IsDigits(max)))
            {
                if (TooLarge(min) || TooLarge(max))
                {
                    return false;
                }

                return Emit(output, pattern[i..(close + 1)], ref i, close - i + 1);
            }
        }

        return Emit(output, @"\{", ref i, 1);
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange('0', '9');

    private static bool TooLarge(ReadOnlySpan<char> digits) =>
        !digits.IsEmpty && (digits.Length > 4 || int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) > MaxRepeat);

    private static bool CopyUnicodeClass(string pattern, ref int i, StringBuilder output, bool inClass)
    {
        int close = pattern.IndexOf('}', i + 3);
        if (close < 0)
        {
            return false;
        }

        bool negated = pattern[i + 1] == 'P';
        string name = pattern[(i + 3)..close];
        if (!s_scriptBlocks.TryGetValue(name, out var blocks))
        {
            // General categories (L, Lu, N, ...) mean the same in both engines.
            return Emit(output, pattern[i..(close + 1)], ref i, close - i + 1);
        }

        if (inClass && negated)
        {
            return false; // A negated union inside a class has no .NET spelling; refuse rather than mismatch.
        }

        string text = inClass ? blocks : (negated ? "[^" : "[") + blocks + "]";
        return Emit(output, text, ref i, close - i + 1);
    }
}
