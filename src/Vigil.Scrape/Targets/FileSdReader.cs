using System.Globalization;
using Vigil.Common.Config;
using Vigil.Scrape.Config;

namespace Vigil.Scrape.Targets;

/// <summary>Why a file SD file could not be used; <see cref="Line"/> is 0 when no line applies.</summary>
internal sealed record FileSdError(string File, int Line, string Reason)
{
    public override string ToString() => Line > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}: {Reason}")
        : $"{File}: {Reason}";
}

/// <summary>The groups of one file, or the error that made the whole file unusable.</summary>
internal sealed record FileSdResult(IReadOnlyList<TargetGroup> Groups, FileSdError? Error);

/// <summary>
/// Reads <c>file_sd_configs</c> files (Prometheus docs, file_sd_config): a JSON or YAML list of
/// <c>{targets: [host:port, ...], labels: {name: value}}</c>. Every group gets
/// <c>__meta_filepath</c>, the path the target was read from, as Prometheus adds it. Errors are
/// returned, never thrown: file SD runs after start-up, where a bad file must not stop anything.
/// </summary>
internal static partial class FileSdReader
{
    /// <summary>Label naming the file a target came from.</summary>
    public const string FilePathLabel = "__meta_filepath";

    /// <summary>Reads one file; the format comes from its extension (<c>.json</c>, else YAML), as in Prometheus.</summary>
    public static FileSdResult Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(path, 0, ex.Message);
        }

        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text, path) : ParseYaml(text, path);
    }

    /// <summary>
    /// The existing files matching <paramref name="pattern"/>, sorted. As Prometheus allows, only
    /// the last path element may hold <c>*</c> (any run of characters); the directory part is taken
    /// literally. Paths keep the pattern's form (relative stays relative), as Go's filepath.Glob does.
    /// </summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var directory = Path.GetDirectoryName(pattern) ?? "";
        var namePattern = Path.GetFileName(pattern);
        if (!namePattern.Contains('*', StringComparison.Ordinal))
        {
            return File.Exists(pattern) ? [pattern] : [];
        }

        var searchIn = directory.Length == 0 ? "." : directory;
        if (!Directory.Exists(searchIn))
        {
            return [];
        }

        var matches = new List<string>();
        foreach (var file in Directory.EnumerateFiles(searchIn))
        {
            var name = Path.GetFileName(file);
            if (WildcardMatches(namePattern, name))
            {
                matches.Add(directory.Length == 0 ? name : Path.Combine(directory, name));
            }
        }

        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/>, where <c>*</c> is any run of characters.</summary>
    internal static bool WildcardMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.SequenceEqual(name);
        }

        if (!name.StartsWith(pattern[..star]))
        {
            return false;
        }

        var rest = pattern[(star + 1)..];
        name = name[star..];
        // Try every split point; patterns are short file names, so the backtracking stays small.
        for (var skip = 0; skip <= name.Length; skip++)
        {
            if (WildcardMatches(rest, name[skip..]))
            {
                return true;
            }
        }

        return false;
    }

    private static FileSdResult Failed(string path, int line, string reason) => new([], new FileSdError(path, line, reason));

    // Prometheus's fileSource names a group "<file>:<index>", and stamps every group with the file.
    private static TargetGroup MakeGroup(string path, int index, IReadOnlyList<string> addresses, IReadOnlyDictionary<string, string> labels)
    {
        var withPath = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            withPath[name] = value;
        }

        withPath[FilePathLabel] = path;
        var source = string.Create(CultureInfo.InvariantCulture, $"{path}:{index}");
        return TargetGroup.FromAddresses(source, addresses, withPath);
    }

    private static string? CheckLabelNames(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var name in labels.Keys)
        {
            if (!ConfigRules.IsValidLabelName(name))
            {
                return $"'{name}' is not a valid label name";
            }
        }

        return null;
    }
}
