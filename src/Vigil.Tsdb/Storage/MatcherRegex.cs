using System.Text.RegularExpressions;
using Vigil.Common.Relabel;

namespace Vigil.Tsdb.Storage;

/// <summary>
/// The regex of a <c>=~</c>/<c>!~</c> matcher, fully anchored as Prometheus's <c>NewFastRegexMatcher</c> does,
/// with its most common shapes answered without running a regex: a literal, an alternation of literals
/// (<c>job=~"api|web"</c>), and <c>.*</c> / <c>.+</c>.
/// </summary>
/// <remarks>
/// Anything else compiles through <see cref="GoRegex"/>, so a matcher means what it means in Prometheus's RE2
/// (anchors, ASCII <c>\d</c>, repeat limits, scripts) and matching stays linear in the input.
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

        var regex = GoRegex.TryCompileAnchored(pattern, out error);
        return regex is null ? null : new MatcherRegex(Shape.Regex, regex, null);
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
