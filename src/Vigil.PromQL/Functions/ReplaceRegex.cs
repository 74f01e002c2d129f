using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.PromQL;

/// <summary>
/// label_replace's regex: an RE2 pattern (Go's regexp) run by .NET's non-backtracking engine, which is linear in
/// the input as RE2 is, after <see cref="Re2Translator"/> has rewritten what .NET reads differently. Group
/// numbers and <c>$</c> references then follow Go through Vigil.Common's GoTemplate and GoCaptureGroups, the
/// same expansion relabeling uses.
/// </summary>
internal static class ReplaceRegex
{
    private const RegexOptions CompileOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>
    /// The compiled <c>^(?:regex)$</c>, wrapped as one string the way 2.42 builds it (so <c>a)|(b</c> compiles as
    /// Go compiles it), or null when Go would refuse it or .NET cannot run it.
    /// </summary>
    public static Regex? TryCompile(string regex)
    {
        var translated = new StringBuilder(@"^(?:", regex.Length + 8);
        if (!Re2Translator.TryTranslate(regex, translated))
        {
            return null;
        }

        translated.Append(@")\z");
        try
        {
            return new Regex(translated.ToString(), CompileOptions);
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
}
