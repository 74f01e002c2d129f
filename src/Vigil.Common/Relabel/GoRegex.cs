using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Common.Relabel;

/// <summary>
/// Compiles the regexes Prometheus users write (relabel <c>regex</c>, PromQL <c>=~</c>/<c>!~</c> matchers,
/// <c>label_replace</c>) the way Prometheus 2.42 does with Go's RE2: anchored as <c>^(?:re)$</c> built as one
/// string (so <c>a)|(b</c> compiles as Go compiles it), translated by <see cref="Re2Translator"/> where .NET reads
/// RE2 differently, and run by .NET's non-backtracking engine, which is linear in the input as RE2 is.
/// One place, so a pattern means the same in a relabel rule, a selector and a function.
/// </summary>
internal static class GoRegex
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>The anchored regex, or null with the reason when RE2 would refuse the pattern or .NET cannot run it.</summary>
    public static Regex? TryCompileAnchored(string pattern, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var translated = new StringBuilder(pattern.Length + 8).Append("^(?:");
        if (!Re2Translator.TryTranslate(pattern, translated))
        {
            error = $"error parsing regexp: invalid or unsupported Perl syntax in `{pattern}`";
            return null;
        }

        translated.Append(@")\z");
        try
        {
            error = null;
            return new Regex(translated.ToString(), Options);
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

    /// <summary>As <see cref="TryCompileAnchored"/>, throwing <see cref="ArgumentException"/> with the reason.</summary>
    public static Regex CompileAnchored(string pattern) =>
        TryCompileAnchored(pattern, out var error) ?? throw new ArgumentException(error, nameof(pattern));
}
