using Vigil.Common.Config;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Tests.Templates;

public sealed class TemplateParserTests
{
    private const string Valid = """
        app: demo
        category: db
        protocol: tcp
        name: {en: Demo, zh-CN: 演示}
        params:
          - field: host
            type: host
            required: true
          - field: port
            type: port
            default: "5432"
            min: 1024
          - field: mode
            type: select
            options: [fast, slow]
          - field: token
            type: password
        metrics:
          - name: extra
            priority: 2
            interval: 5m
            fields:
              - field: db
                type: label
                label: database
              - field: used
                metric: demo_used_bytes
                unit: bytes
              - field: total
                metric: demo_total_bytes
                labels: {kind: disk}
            calculated:
              - field: ratio
                metric: demo_used_ratio
                expression: used / (total - 0) * 1
          - name: up
            priority: 0
            fields:
              - field: up
                metric: demo_up
        """;

    [Fact]
    public void ParsesEveryPart()
    {
        var t = TemplateParser.Parse(Valid, "demo.yml");
        Assert.Equal("demo", t.App);
        Assert.Equal("演示", t.Name.Get("zh-CN"));
        Assert.Equal("Demo", t.Name.Get("fr"));
        Assert.Equal(ParamType.Port, t.Param("port")!.Type);
        Assert.Equal(1024, t.Param("port")!.Min);
        Assert.True(t.Param("token")!.Secret);
        Assert.False(t.Param("host")!.Secret);
        Assert.Equal(["fast", "slow"], t.Param("mode")!.Options);

        // Availability (priority 0) first whatever the file's order.
        Assert.Equal(["up", "extra"], t.Metrics.Select(g => g.Name));
        var extra = t.Metrics[1];
        Assert.Equal(TimeSpan.FromMinutes(5), extra.Interval);
        Assert.Equal(FieldKind.Label, extra.Fields[0].Kind);
        Assert.Equal("database", extra.Fields[0].Metric);
        Assert.Equal("disk", extra.Fields[2].Labels["kind"]);
        Assert.Equal(0.25, extra.Calculated[0].Expression.Evaluate([double.NaN, 1, 4]));
    }

    [Theory]
    [InlineData("protocol: tcp\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]", 1, "app", "app is required")]
    [InlineData("app: Bad\nprotocol: tcp\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]", 1, "app", "lower-case")]
    [InlineData("app: a\nprotocol: tcp\nmetrics: []", 3, "metrics", "at least one metrics group")]
    [InlineData("app: a\nprotocol: tcp\nmetrics:\n  - name: g\n    fields:\n      - field: x\n        metric: 1bad", 7, "metrics[0].fields[0].metric", "not a valid metric name")]
    [InlineData("app: a\nprotocol: tcp\nparams:\n  - field: p\n    type: colour\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]", 5, "params[0].type", "unknown type 'colour'")]
    [InlineData("app: a\nprotocol: tcp\nparams:\n  - field: p\n    type: port\n    default: \"70000\"\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]", 6, "params[0].default", "port from 1 to 65535")]
    [InlineData("app: a\nprotocol: tcp\nparams:\n  - field: p\n    type: select\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]", 4, "params[0].options", "needs options")]
    [InlineData("app: a\nprotocol: tcp\nmetrics:\n  - name: g\n    fields: [{field: x, metric: x}]\n    calculated:\n      - field: y\n        metric: y\n        expression: x + z", 9, "metrics[0].calculated[0].expression", "unknown field 'z'")]
    [InlineData("app: a\nprotocol: tcp\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]\ncolour: red", 4, "colour", "unknown key")]
    [InlineData("app: a\nprotocol: tcp\nmetrics: [{name: a, interval: 10ms, fields: [{field: x, metric: x}]}]", 3, "metrics[0].interval", "at least 1s")]
    public void RejectsWithLineAndReason(string yaml, int line, string path, string reason)
    {
        var ex = Assert.Throws<ConfigException>(() => TemplateParser.Parse(yaml, "bad.yml"));
        Assert.Equal("bad.yml", ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Equal(path, ex.KeyPath);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a + b * 2", 1, 3, 7)]
    [InlineData("(a + b) * 2", 1, 3, 8)]
    [InlineData("-a - -b", 1, 3, 2)]
    [InlineData("a / b", 1, 4, 0.25)]
    [InlineData("a - b - 1", 10, 3, 6)]
    [InlineData("a / b / 2", 8, 2, 2)]
    [InlineData("1.5e3 * a", 2, 0, 3000)]
    public void ExpressionsFollowPrecedence(string text, double a, double b, double expected)
    {
        var expression = FieldExpression.Compile(text, name => name switch { "a" => 0, "b" => 1, _ => -1 });
        Assert.Equal(expected, expression.Evaluate([a, b]));
    }

    [Theory]
    [InlineData("a +", "unexpected end")]
    [InlineData("(a", "missing ')'")]
    [InlineData("a b", "unexpected 'b'")]
    [InlineData("a % b", "unexpected '%'")]
    public void BadExpressionsFail(string text, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => FieldExpression.Compile(text, name => name is "a" or "b" ? 0 : -1));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedTemplatesLoad()
    {
        var catalog = TemplateCatalog.Load(TemplateCatalog.ShippedDirectory, null);
        Assert.Empty(catalog.Errors);
        Assert.Equal(["kafka", "port", "prometheus", "website"], catalog.All.Select(t => t.App));
        Assert.True(catalog.Find("website")!.IsSecret("password"));
        Assert.True(catalog.Find("website")!.IsSecret("bearer_token"));
        Assert.Equal("probe_success", catalog.Find("port")!.Metrics[0].Fields[0].Metric);
    }
}
