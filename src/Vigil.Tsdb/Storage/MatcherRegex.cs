using System.Text.RegularExpressions;

namespace Vigil.Tsdb.Storage;

/// <summary>
/// The regex of a <c>=~</c>/<c>!~</c> matcher, fully anchored as Prometheus's <c>NewFastRegexMatcher</c> does,
/// with its most common shapes answered without running a regex: a literal, an alternation of literals
/// (<c>job=~"api|web"</c>), and <c>.*</c> / <c>.+</c>.
/// </summary>
/// <remarks>
/// Differences from RE2 that would change results are handled here: .NET's <c>$</c> also matches before a final
/// newline, so the anchor is <c>\z</c>; RE2's <c>(?P&lt;name&gt;</c> is rewritten to .NET's <c>(?&lt;name&gt;</c>.
/// <c>NonBacktracking</c> keeps matching linear in the input, as RE2 guarantees, and refuses what RE2 refuses
/// (backreferences, lookaround). As in RE2 without the <c>s</c> flag, <c>.</c> does not match a newline.
/// One difference remains: .NET's <c>\d</c>, <c>\w</c> and <c>\s</c> also match non-ASCII characters, RE2's only ASCII.
/// </remarks>
internal sealed class MatcherRegex
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Regex? _regex;
    private readonly HashSet<string>? _literals;
    private readonly Shape _shape;

    private MatcherRegex(Shape shape, Regex? regex, HashSet<string>? literals) =>
        (_shape, _regex, _literals) = (shape, regex, literals);

    private enum Shape
    {
        Regex,
        Literals,
        AnyWithoutNewline,
        NonEmptyWithoutNewline,
    }

    /// <summary>The compiled matcher, or null with the reason in <paramref name="error"/>.</summary>
    public static MatcherRegex? Compile(string pattern, out string? error)
    {
        error = null;
        switch (pattern)
        {
            case ".*":
                return new MatcherRegex(Shape.AnyWithoutNewline, null, null);
            case ".+":
                return new MatcherRegex(Shape.NonEmptyWithoutNewline, null, null);
        }

        if (pattern.AsSpan().IndexOfAny(@"\.+*?()[]{}^$") < 0)
        {
            // Only literals and '|': a set lookup. "" is the literal empty string, as ^(?:)$ is.
            return new MatcherRegex(Shape.Literals, null, new HashSet<string>(pattern.Split('|'), StringComparer.Ordinal));
        }

        string dotnet = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        try
        {
            // Compiled alone first: wrapped, "a)|(b" would compile as \A(?:a)|(b)\z, a different regex.
            _ = new Regex(dotnet, Options);
            return new MatcherRegex(Shape.Regex, new Regex(@"\A(?:" + dotnet + @")\z", Options), null);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
        }
        catch (NotSupportedException e)
        {
            error = e.Message;
        }

        return null;
    }

    /// <summary>
    /// The alternatives when the pattern is only literals and <c>|</c> (<c>""</c> included when an alternative is
    /// empty); null otherwise. The postings index unions these values' lists instead of testing every value.
    /// </summary>
    internal IReadOnlySet<string>? Literals => _literals;

    /// <summary><c>.*</c>: every value without a newline.</summary>
    internal bool IsAnyWithoutNewline => _shape == Shape.AnyWithoutNewline;

    /// <summary><c>.+</c>: every non-empty value without a newline.</summary>
    internal bool IsNonEmptyWithoutNewline => _shape == Shape.NonEmptyWithoutNewline;

    public bool IsMatch(string value) => _shape switch
    {
        Shape.Literals => _literals!.Contains(value),
        Shape.AnyWithoutNewline => !value.Contains('\n', StringComparison.Ordinal),
        Shape.NonEmptyWithoutNewline => value.Length > 0 && !value.Contains('\n', StringComparison.Ordinal),
        _ => _regex!.IsMatch(value),
    };
}
