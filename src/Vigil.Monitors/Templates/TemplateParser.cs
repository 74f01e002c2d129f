using System.Globalization;
using Vigil.Common.Config;

namespace Vigil.Monitors.Templates;

/// <summary>
/// Reads one template file with the config reader (lines kept, unknown keys refused), so a bad template fails with
/// <c>file:line: key.path: reason</c> like the main config (issue 7: "rejected at load with file, line and reason").
/// </summary>
internal static partial class TemplateParser
{
    private static readonly Dictionary<string, ParamType> ParamTypes = new(StringComparer.Ordinal)
    {
        ["host"] = ParamType.Host,
        ["port"] = ParamType.Port,
        ["number"] = ParamType.Number,
        ["text"] = ParamType.Text,
        ["password"] = ParamType.Password,
        ["boolean"] = ParamType.Boolean,
        ["select"] = ParamType.Select,
        ["duration"] = ParamType.Duration,
        ["key-value"] = ParamType.KeyValue,
    };

    /// <summary>Parses <paramref name="yaml"/>; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="ConfigException">Anything wrong, with the line and key.</exception>
    public static MonitorTemplate Parse(string yaml, string file)
    {
        var root = ConfigMap.Parse(yaml, file);
        var app = root.RequiredString("app");
        if (!IsIdentifier(app, allowDash: true))
        {
            throw root.Error("app", $"'{app}' must be lower-case letters, digits, '_' or '-'");
        }

        var template = new MonitorTemplate(
            app,
            root.String("category", "custom"),
            Localized(root, "name") ?? new LocalizedText(new SortedDictionary<string, string>(StringComparer.Ordinal) { [LocalizedText.DefaultLanguage] = app }),
            Localized(root, "help") ?? LocalizedText.Empty,
            root.RequiredString("protocol"),
            ParseParams(root),
            ParseGroups(root),
            file);
        root.RejectUnknownKeys();
        return template;
    }

    private static IReadOnlyList<TemplateParam> ParseParams(ConfigMap root)
    {
        var result = new List<TemplateParam>();
        var node = root.Node("params");
        foreach (var item in node?.AsList() ?? [])
        {
            var param = ParseParam(item.AsMap());
            if (result.Any(p => p.Field == param.Field))
            {
                throw item.Error($"duplicate param '{param.Field}'");
            }

            result.Add(param);
        }

        return result;
    }

    private static TemplateParam ParseParam(ConfigMap map)
    {
        var field = map.RequiredString("field");
        if (!IsIdentifier(field, allowDash: false))
        {
            throw map.Error("field", $"'{field}' must be lower-case letters, digits or '_'");
        }

        var typeName = map.RequiredString("type");
        if (!ParamTypes.TryGetValue(typeName, out var type))
        {
            throw map.Error("type", $"unknown type '{typeName}'; one of {string.Join(", ", ParamTypes.Keys)}");
        }

        var param = new TemplateParam(
            field,
            Localized(map, "name") ?? new LocalizedText(new SortedDictionary<string, string>(StringComparer.Ordinal) { [LocalizedText.DefaultLanguage] = field }),
            type,
            map.Bool("required", false),
            map.String("default"),
            Number(map, "min"),
            Number(map, "max"),
            map.StringList("options"),
            map.Bool("secret", type == ParamType.Password));
        map.RejectUnknownKeys();
        CheckParam(map, param);
        return param;
    }

    /// <summary>A template's own default must pass its own checks, or every monitor of it would fail later.</summary>
    private static void CheckParam(ConfigMap map, TemplateParam param)
    {
        if (param.Type == ParamType.Select && param.Options.Count == 0)
        {
            throw map.Error("options", "a select needs options");
        }

        if (param.Min > param.Max)
        {
            throw map.Error("min", "min is greater than max");
        }

        if (param.Default is { } value && ParamValidator.CheckText(param, value) is { } reason)
        {
            throw map.Error("default", reason);
        }
    }

    private static IReadOnlyList<MetricsGroup> ParseGroups(ConfigMap root)
    {
        var node = root.Node("metrics") ?? throw root.Error("metrics", "metrics is required");
        var groups = new List<MetricsGroup>();
        foreach (var item in node.AsList())
        {
            var group = ParseGroup(item.AsMap());
            if (groups.Any(g => g.Name == group.Name))
            {
                throw item.Error($"duplicate metrics group '{group.Name}'");
            }

            groups.Add(group);
        }

        if (groups.Count == 0)
        {
            throw node.Error("a template needs at least one metrics group");
        }

        // Availability runs first; the order of the rest is their priority.
        return [.. groups.OrderBy(g => g.Priority)];
    }

    private static double? Number(ConfigMap map, string key)
    {
        var text = map.String(key);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw map.Error(key, $"'{text}' is not a number");
    }

    private static LocalizedText? Localized(ConfigMap map, string key)
    {
        var node = map.Node(key);
        if (node is null)
        {
            return null;
        }

        if (node.Kind == ConfigNodeKind.Scalar)
        {
            return new LocalizedText(new SortedDictionary<string, string>(StringComparer.Ordinal) { [LocalizedText.DefaultLanguage] = node.AsString() });
        }

        return new LocalizedText(node.AsStringMap());
    }

    private static bool IsIdentifier(string text, bool allowDash)
    {
        if (text.Length == 0 || !char.IsAsciiLetterLower(text[0]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' || (allowDash && c == '-')))
            {
                return false;
            }
        }

        return true;
    }
}
