using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.PromQL;

/// <summary>
/// label_replace's regex: an RE2 pattern (Go's regexp) run by .NET's non-backtracking engine, which is linear in
/// the input as RE2 is. The translation keeps Go's meaning where .NET's differs: groups are numbered left to
/// right (.NET numbers named groups after unnamed ones, so named groups become unnamed and keep their names here),
/// <c>$</c> is the end of the text, <c>\d \w \s</c> are ASCII, <c>\pL</c> and <c>[[:alpha:]]</c> are understood,
/// and Perl's <c>(?&lt;name&gt;</c>, which Go 1.19's RE2 refuses, is refused.
/// </summary>
internal sealed class ReplaceRegex : Regex
{
    private const RegexOptions CompileOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private ReplaceRegex(string pattern, string?[] goGroupNames)
        : base(pattern, CompileOptions) => GoGroupNames = goGroupNames;

    /// <summary>Go's name of each group by number (index 0 is the whole match); null for unnamed groups.</summary>
    public string?[] GoGroupNames { get; }

    /// <summary>The compiled <c>^(?:regex)$</c>, or null when Go would refuse it (or .NET cannot run it).</summary>
    public static ReplaceRegex? TryCompile(string regex)
    {
        var names = new List<string?> { null };
        var translated = new StringBuilder(@"^(?:");
        if (!Re2Translator.TryTranslate(regex, translated, names))
        {
            return null;
        }

        translated.Append(@")\z");
        try
        {
            return new ReplaceRegex(translated.ToString(), [.. names]);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Go's <c>Regexp.ExpandString</c>: <c>$1</c>, <c>${1}</c>, <c>$name</c>, <c>${name}</c> and <c>$$</c>. A name
    /// runs as far as letters, digits and '_' go (so <c>$1x</c> is the group "1x", which does not exist and expands
    /// to nothing); a '$' not followed by a name is kept.
    /// </summary>
    public static void Expand(StringBuilder output, string template, Match match, Regex regex)
    {
        int i = 0;
        while (i < template.Length)
        {
            int dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                break;
            }

            output.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                output.Append('$');
                i++;
            }
            else if (TryReadReference(template, ref i, out var name))
            {
                AppendGroup(output, name, match, regex);
            }
            else
            {
                output.Append('$');
            }
        }

        output.Append(template, i, template.Length - i);
    }

    /// <summary>Reads <c>name</c> or <c>{name}</c> at <paramref name="i"/>; on failure <paramref name="i"/> is unchanged.</summary>
    private static bool TryReadReference(string template, ref int i, out ReadOnlySpan<char> name)
    {
        int start = i;
        bool brace = start < template.Length && template[start] == '{';
        int nameStart = brace ? start + 1 : start;
        int end = nameStart;
        while (end < template.Length && Rune.TryGetRuneAt(template, end, out var rune)
               && (Rune.IsLetter(rune) || Rune.IsDigit(rune) || rune.Value == '_'))
        {
            end += rune.Utf16SequenceLength;
        }

        name = template.AsSpan(nameStart, end - nameStart);
        if (name.IsEmpty || (brace && (end >= template.Length || template[end] != '}')))
        {
            return false;
        }

        i = brace ? end + 1 : end;
        return true;
    }

    private static void AppendGroup(StringBuilder output, ReadOnlySpan<char> name, Match match, Regex regex)
    {
        int number = GroupNumber(name);
        if (number < 0)
        {
            number = NamedGroupNumber(name, regex);
        }

        if (number >= 0 && number < match.Groups.Count && match.Groups[number].Success)
        {
            output.Append(match.Groups[number].ValueSpan);
        }
    }

    /// <summary>Go's number rule: ASCII digits only, no leading zero, below 1e8; −1 otherwise (then it is a name).</summary>
    private static int GroupNumber(ReadOnlySpan<char> name)
    {
        if (name.Length > 1 && name[0] == '0')
        {
            return -1;
        }

        int number = 0;
        foreach (char c in name)
        {
            if (!char.IsAsciiDigit(c) || number >= 100_000_000)
            {
                return -1;
            }

            number = (number * 10) + (c - '0');
        }

        return number;
    }

    /// <summary>The first group with that name (Go's loop stops at the first), −1 when none.</summary>
    private static int NamedGroupNumber(ReadOnlySpan<char> name, Regex regex)
    {
        if (regex is ReplaceRegex replace)
        {
            for (int i = 0; i < replace.GoGroupNames.Length; i++)
            {
                if (name.SequenceEqual(replace.GoGroupNames[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        return regex.GroupNumberFromName(name.ToString());
    }
}
