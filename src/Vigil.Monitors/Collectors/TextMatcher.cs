using System.Text.RegularExpressions;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// A <c>keyword</c> or <c>expect</c> param: plain text that must appear, or <c>/regex/</c> that must match (linear
/// time: .NET's non-backtracking engine, so a target cannot stall a collection with a crafted body).
/// </summary>
internal sealed class TextMatcher
{
    private readonly string? _text;
    private readonly Regex? _regex;

    private TextMatcher(string? text, Regex? regex)
    {
        _text = text;
        _regex = regex;
    }

    /// <summary>Null for an absent or empty param.</summary>
    /// <exception cref="CollectException">Reason <c>config</c>: the regex does not compile.</exception>
    public static TextMatcher? Parse(string? param)
    {
        if (string.IsNullOrEmpty(param))
        {
            return null;
        }

        if (param.Length >= 2 && param[0] == '/' && param[^1] == '/')
        {
            try
            {
                return new TextMatcher(null, new Regex(param[1..^1], RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
            }
            catch (ArgumentException ex)
            {
                throw new CollectException("config", $"invalid regex {param}: {ex.Message}", ex);
            }
        }

        return new TextMatcher(param, null);
    }

    public bool IsMatch(string body) => _regex?.IsMatch(body) ?? body.Contains(_text!, StringComparison.Ordinal);

    public override string ToString() => _regex is null ? $"'{_text}'" : $"/{_regex}/";
}
