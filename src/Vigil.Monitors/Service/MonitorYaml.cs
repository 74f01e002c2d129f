using Vigil.Common.Config;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;
using YamlDotNet.Serialization;

namespace Vigil.Monitors.Service;

/// <summary>
/// Export and import as YAML: <c>monitors:</c>, a list of entries with id, name, app, interval, instance, labels,
/// description, paused and params. Exports leave secrets out (never returned by the API); importing over a monitor
/// with the same id keeps its stored secrets, so an export imported back reproduces the same monitors.
/// </summary>
internal static class MonitorYaml
{
    public static string Export(IEnumerable<MonitorDefinition> monitors, TemplateCatalog catalog)
    {
        var entries = new List<object>();
        foreach (var monitor in monitors)
        {
            var template = catalog.Find(monitor.App);
            var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var (field, value) in monitor.Params)
            {
                if (template is null || !template.IsSecret(field))
                {
                    parameters[field] = value.Map is { } map ? new SortedDictionary<string, string>(map.ToDictionary(), StringComparer.Ordinal) : value.Text!;
                }
            }

            entries.Add(new Dictionary<string, object>
            {
                ["id"] = monitor.Id,
                ["name"] = monitor.Name,
                ["app"] = monitor.App,
                ["interval"] = PromDuration.Format(monitor.Interval),
                ["instance"] = monitor.Instance,
                ["description"] = monitor.Description,
                ["paused"] = monitor.IsPaused,
                ["labels"] = monitor.Labels,
                ["params"] = parameters,
            });
        }

        // Strings that would read back as something else (true, 10, null, '') are quoted.
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();
        return serializer.Serialize(new Dictionary<string, object> { ["monitors"] = entries });
    }

    /// <summary>Reads an import; a fault names the line and key (<c>import.yml:7: monitors[1].params: ...</c>).</summary>
    /// <exception cref="ConfigException">Not the export's shape.</exception>
    public static IReadOnlyList<(MonitorDraft Draft, int Line)> Import(string yaml, string file)
    {
        var root = ConfigMap.Parse(yaml, file);
        var node = root.Node("monitors");
        root.RejectUnknownKeys();
        var drafts = new List<(MonitorDraft, int)>();
        foreach (var item in node?.AsList() ?? [])
        {
            var map = item.AsMap();
            drafts.Add((ReadEntry(map), item.Line));
            map.RejectUnknownKeys();
        }

        return drafts;
    }

    private static MonitorDraft ReadEntry(ConfigMap map) => new()
    {
        Id = map.String("id"),
        Name = map.String("name"),
        App = map.String("app"),
        Interval = map.String("interval"),
        Instance = map.String("instance"),
        Description = map.String("description"),
        Paused = map.Has("paused") ? map.Bool("paused", false) : null,
        Labels = map.StringMap("labels"),
        Params = ReadParams(map),
    };

    private static SortedDictionary<string, ParamValue> ReadParams(ConfigMap map)
    {
        var result = new SortedDictionary<string, ParamValue>(StringComparer.Ordinal);
        var parameters = map.Map("params");
        foreach (var field in parameters.Keys)
        {
            var value = parameters.Node(field);
            if (value is null)
            {
                continue;
            }

            result[field] = value.Kind == ConfigNodeKind.Mapping ? ParamValue.OfMap(value.AsStringMap()) : ParamValue.OfText(value.AsString());
        }

        return result;
    }
}
