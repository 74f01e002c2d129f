using System.Text.RegularExpressions;
using Vigil.Common.Relabel;

namespace Vigil.Common.Config;

/// <summary>What a relabel rule does (<c>action</c>), with Prometheus's names lower-cased.</summary>
public enum RelabelAction
{
    Replace,
    Keep,
    Drop,
    KeepEqual,
    DropEqual,
    HashMod,
    LabelMap,
    LabelDrop,
    LabelKeep,
    Lowercase,
    Uppercase,
}

/// <summary>
/// One <c>relabel_config</c> rule, used by scrape (relabel_configs, metric_relabel_configs) and
/// remote write (write_relabel_configs). Checked the way Prometheus checks it, so a rule that
/// Prometheus accepts behaves the same here.
/// </summary>
public sealed record RelabelConfig
{
    public const string DefaultRegexPattern = "(.*)";

    // Declared before Default: static initializers run in order and Default's Regex reads it.
    private static Regex DefaultRegex { get; } = Compile(DefaultRegexPattern);

    public static RelabelConfig Default { get; } = new();

    /// <summary><c>source_labels</c>: label values joined by <see cref="Separator"/>; default none.</summary>
    public IReadOnlyList<string> SourceLabels { get; init; } = [];

    /// <summary><c>separator</c>; default <c>;</c>.</summary>
    public string Separator { get; init; } = ";";

    /// <summary><c>regex</c> as written; default <c>(.*)</c>.</summary>
    public string RegexPattern { get; init; } = DefaultRegexPattern;

    /// <summary>
    /// <see cref="RegexPattern"/> compiled fully anchored (<c>^(?:regex)$</c>) like Prometheus.
    /// NonBacktracking gives RE2's linear time on label values and rejects the constructs RE2
    /// lacks (backreferences, lookaround), so rules stay portable to Prometheus.
    /// </summary>
    [FingerprintIgnore]
    public Regex Regex { get; init; } = DefaultRegex;

    /// <summary><c>modulus</c> for hashmod; default 0 (must be &gt; 0 for hashmod).</summary>
    public ulong Modulus { get; init; }

    /// <summary><c>target_label</c>; default empty. Required by replace, hashmod, lowercase, uppercase, keepequal, dropequal.</summary>
    public string TargetLabel { get; init; } = "";

    /// <summary><c>replacement</c>, with <c>$1</c>/<c>${name}</c> group references; default <c>$1</c>.</summary>
    public string Replacement { get; init; } = "$1";

    /// <summary><c>action</c>; default replace.</summary>
    public RelabelAction Action { get; init; } = RelabelAction.Replace;

    // Prometheus's relabelTarget: label-name characters mixed with $1 / ${name} references.
    private static readonly Regex TemplateTarget = new(
        @"^(?:(?:[a-zA-Z_]|\$(?:\{[a-zA-Z0-9_]+\}|[a-zA-Z0-9_]+))+[a-zA-Z0-9_]*)+$",
        RegexOptions.CultureInvariant);

    /// <summary>Compiles a relabel regex anchored, with RE2's meaning (<see cref="GoRegex"/>); throws on invalid syntax.</summary>
    public static Regex Compile(string pattern) => GoRegex.CompileAnchored(pattern);

    public static IReadOnlyList<RelabelConfig> ParseList(ConfigMap parent, string key) => parent.List(key, Parse);

    public static RelabelConfig Parse(ConfigMap map)
    {
        var sourceLabels = map.StringList("source_labels");
        var pattern = map.String("regex", DefaultRegexPattern);
        var config = new RelabelConfig
        {
            SourceLabels = sourceLabels,
            Separator = map.String("separator", ";"),
            RegexPattern = pattern,
            Regex = pattern == DefaultRegexPattern ? DefaultRegex : CompileOrThrow(map, pattern),
            Modulus = (ulong)map.Long("modulus", 0),
            TargetLabel = map.String("target_label", ""),
            Replacement = map.String("replacement", "$1"),
            Action = ParseAction(map),
        };
        map.RejectUnknownKeys();
        foreach (var label in sourceLabels)
        {
            if (!ConfigRules.IsValidLabelName(label))
            {
                throw map.Error("source_labels", $"'{label}' is not a valid label name");
            }
        }

        config.Validate(map);
        return config;
    }

    private void Validate(ConfigMap map)
    {
        var action = ActionName(Action);
        var needsTarget = Action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase
            or RelabelAction.Uppercase or RelabelAction.KeepEqual or RelabelAction.DropEqual;
        if (needsTarget && TargetLabel.Length == 0)
        {
            throw map.Error("target_label", $"action {action} requires target_label");
        }

        if (Action == RelabelAction.Replace && !TemplateTarget.IsMatch(TargetLabel))
        {
            throw map.Error("target_label", $"'{TargetLabel}' is not a valid target_label for action {action}");
        }

        if (needsTarget && Action != RelabelAction.Replace && !ConfigRules.IsValidLabelName(TargetLabel))
        {
            throw map.Error("target_label", $"'{TargetLabel}' is not a valid label name for action {action}");
        }

        if (Action == RelabelAction.HashMod && Modulus == 0)
        {
            throw map.Error("modulus", "action hashmod requires a modulus greater than 0");
        }

        if (Action is RelabelAction.Lowercase or RelabelAction.Uppercase && Replacement != Default.Replacement)
        {
            throw map.Error("replacement", $"replacement cannot be set for action {action}");
        }

        if (Action == RelabelAction.LabelMap && !TemplateTarget.IsMatch(Replacement))
        {
            throw map.Error("replacement", $"'{Replacement}' is not a valid replacement for action labelmap");
        }

        if (Action is RelabelAction.KeepEqual or RelabelAction.DropEqual)
        {
            RejectSet(map, action, "only source_labels and target_label", "regex", "modulus", "separator", "replacement");
        }

        if (Action is RelabelAction.LabelDrop or RelabelAction.LabelKeep)
        {
            RejectSet(map, action, "only regex", "source_labels", "target_label", "modulus", "separator", "replacement");
        }
    }

    private static void RejectSet(ConfigMap map, string action, string allowed, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (map.Has(key))
            {
                throw map.Error(key, $"action {action} takes {allowed}; remove {key}");
            }
        }
    }

    private static Regex CompileOrThrow(ConfigMap map, string pattern)
    {
        try
        {
            return Compile(pattern);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new ConfigException(map.File, map.LineOf("regex"), map.PathOf("regex"), $"invalid regex '{pattern}': {ex.Message}", ex);
        }
    }

    private static RelabelAction ParseAction(ConfigMap map)
    {
        var text = map.String("action");
        if (text is null)
        {
            return RelabelAction.Replace;
        }

        foreach (var action in Enum.GetValues<RelabelAction>())
        {
            if (string.Equals(ActionName(action), text, StringComparison.OrdinalIgnoreCase))
            {
                return action;
            }
        }

        throw map.Error("action", $"unknown relabel action '{text}'");
    }

    /// <summary>The YAML spelling of <paramref name="action"/>, e.g. <c>labeldrop</c>.</summary>
    public static string ActionName(RelabelAction action) => action.ToString().ToLowerInvariant();
}
