namespace Vigil.Monitors.Templates;

/// <summary>
/// A text in several languages (<c>name: {en: Website, zh-CN: 网站}</c>), or one plain string, which is English.
/// A UI picks its language and falls back to English.
/// </summary>
internal sealed class LocalizedText
{
    public const string DefaultLanguage = "en";

    public LocalizedText(IReadOnlyDictionary<string, string> byLanguage)
    {
        ByLanguage = byLanguage;
    }

    public static LocalizedText Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Language tag to text, sorted by tag.</summary>
    public IReadOnlyDictionary<string, string> ByLanguage { get; }

    /// <summary>The text in <paramref name="language"/>, else English, else any, else empty.</summary>
    public string Get(string language = DefaultLanguage)
    {
        if (ByLanguage.TryGetValue(language, out var text) || ByLanguage.TryGetValue(DefaultLanguage, out text))
        {
            return text;
        }

        return ByLanguage.Values.FirstOrDefault() ?? "";
    }

    public override string ToString() => Get();
}
