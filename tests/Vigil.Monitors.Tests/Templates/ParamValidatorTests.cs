using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Tests.Templates;

public sealed class ParamValidatorTests
{
    private static readonly MonitorTemplate Template = TemplateParser.Parse("""
        app: demo
        protocol: tcp
        params:
          - {field: host, type: host, required: true}
          - {field: port, type: port, default: "80"}
          - {field: ratio, type: number, min: 0, max: 1}
          - {field: on, type: boolean}
          - {field: mode, type: select, options: [a, b]}
          - {field: wait, type: duration, max: 100}
          - {field: headers, type: key-value}
          - {field: secret, type: password}
        metrics: [{name: g, fields: [{field: x, metric: x}]}]
        """, "demo.yml");

    private static Dictionary<string, ParamValue> Input(params (string Field, string Value)[] values)
    {
        var input = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var (field, value) in values)
        {
            input[field] = ParamValue.OfText(value);
        }

        return input;
    }

    [Fact]
    public void NormalizesAndFillsDefaults()
    {
        var result = ParamValidator.Validate(Template, Input(("host", "db.local"), ("on", "TRUE"), ("wait", "90s"), ("ratio", "0.50")));
        Assert.Equal("80", result["port"].Text);
        Assert.Equal("true", result["on"].Text);
        Assert.Equal("1m30s", result["wait"].Text);
        Assert.Equal("0.5", result["ratio"].Text);
        Assert.False(result.ContainsKey("mode"));
    }

    [Theory]
    [InlineData("host", "not a host!", "params.host")]
    [InlineData("port", "0", "params.port")]
    [InlineData("port", "http", "params.port")]
    [InlineData("ratio", "1.5", "params.ratio")]
    [InlineData("on", "yes", "params.on")]
    [InlineData("mode", "c", "params.mode")]
    [InlineData("wait", "2m", "params.wait")]
    [InlineData("wait", "soon", "params.wait")]
    [InlineData("headers", "x", "params.headers")]
    [InlineData("colour", "red", "params.colour")]
    public void NamesTheFieldThatFails(string field, string value, string expected)
    {
        var input = Input(("host", "h"), (field, value));
        var ex = Assert.Throws<MonitorValidationException>(() => ParamValidator.Validate(Template, input));
        Assert.Equal(expected, ex.Field);
    }

    [Fact]
    public void RequiredFieldMissing()
    {
        var ex = Assert.Throws<MonitorValidationException>(() => ParamValidator.Validate(Template, Input()));
        Assert.Equal("params.host", ex.Field);
        Assert.Equal("is required", ex.Reason);
    }

    [Fact]
    public void SecretAbsentOnUpdateKeepsStoredValue()
    {
        var first = ParamValidator.Validate(Template, Input(("host", "h"), ("secret", "s3cret")));
        var second = ParamValidator.Validate(Template, Input(("host", "other")), first);
        Assert.Equal("s3cret", second["secret"].Text);
        var third = ParamValidator.Validate(Template, Input(("host", "other"), ("secret", "new")), first);
        Assert.Equal("new", third["secret"].Text);
    }

    [Fact]
    public void KeyValueIsAMap()
    {
        var input = Input(("host", "h"));
        input["headers"] = ParamValue.OfMap([new("X-B", "2"), new("X-A", "1")]);
        var result = ParamValidator.Validate(Template, input);
        Assert.Equal(["X-A", "X-B"], result["headers"].Map!.Keys);
    }
}
