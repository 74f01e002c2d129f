using System.Globalization;
using Vigil.Common.Config;
using Vigil.Common.Metrics;

namespace Vigil.Monitors.Templates;

/// <summary>Metrics groups, their fields and calculated fields.</summary>
internal static partial class TemplateParser
{
    private static MetricsGroup ParseGroup(ConfigMap map)
    {
        var name = map.RequiredString("name");
        var priority = map.Int("priority", 1);
        var interval = map.Duration("interval");
        if (interval is { } value && value < TimeSpan.FromSeconds(1))
        {
            throw map.Error("interval", "must be at least 1s");
        }

        var fields = new List<MetricField>();
        foreach (var item in map.Node("fields")?.AsList() ?? throw map.Error("fields", "fields is required"))
        {
            var field = ParseField(item.AsMap());
            if (fields.Any(f => f.Field == field.Field))
            {
                throw item.Error($"duplicate field '{field.Field}'");
            }

            fields.Add(field);
        }

        var calculated = new List<CalculatedField>();
        foreach (var item in map.Node("calculated")?.AsList() ?? [])
        {
            calculated.Add(ParseCalculated(item.AsMap(), fields));
        }

        map.RejectUnknownKeys();
        if (!fields.Any(f => f.Kind != FieldKind.Label) && calculated.Count == 0)
        {
            throw map.Error("fields", "a group needs at least one value field");
        }

        return new MetricsGroup(name, priority, interval, fields, calculated);
    }

    private static MetricField ParseField(ConfigMap map)
    {
        var field = map.RequiredString("field");
        var kindName = map.String("type", "gauge");
        var kind = kindName switch
        {
            "gauge" => FieldKind.Gauge,
            "counter" => FieldKind.Counter,
            "label" => FieldKind.Label,
            _ => throw map.Error("type", $"unknown field type '{kindName}'; one of gauge, counter, label"),
        };

        // A label field's "metric" is the label name it fills; default: the field's name.
        var metric = kind == FieldKind.Label ? map.String("label", field) : map.RequiredString("metric");
        var unit = map.String("unit");
        var labels = ConfigRules.LabelMap(map, "labels", allowEmptyValues: false);
        map.RejectUnknownKeys();
        CheckName(map, kind == FieldKind.Label ? "label" : "metric", metric, kind == FieldKind.Label);
        return new MetricField(field, kind, metric, unit, labels);
    }

    private static CalculatedField ParseCalculated(ConfigMap map, List<MetricField> fields)
    {
        var field = map.RequiredString("field");
        var metric = map.RequiredString("metric");
        var unit = map.String("unit");
        var text = map.RequiredString("expression");
        map.RejectUnknownKeys();
        CheckName(map, "metric", metric, isLabel: false);
        try
        {
            var expression = FieldExpression.Compile(text, name => fields.FindIndex(f => f.Field == name && f.Kind != FieldKind.Label));
            return new CalculatedField(field, metric, unit, expression);
        }
        catch (FormatException ex)
        {
            throw map.Error("expression", ex.Message);
        }
    }

    private static void CheckName(ConfigMap map, string key, string name, bool isLabel)
    {
        var valid = isLabel ? ConfigRules.IsValidLabelName(name) && !name.StartsWith("__", StringComparison.Ordinal) : MetricNames.IsValidMetricName(name);
        if (!valid)
        {
            throw map.Error(key, string.Create(CultureInfo.InvariantCulture, $"'{name}' is not a valid {(isLabel ? "label" : "metric")} name"));
        }
    }
}
