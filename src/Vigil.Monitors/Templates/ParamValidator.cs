using System.Globalization;
using Vigil.Common.Config;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Templates;

/// <summary>
/// Checks a monitor's params against its template and puts every value in its normal form, so equal settings are
/// stored (and fingerprinted) identically: booleans <c>true</c>/<c>false</c>, ports and numbers in invariant
/// digits, durations in Prometheus's format. Defaults fill absent fields.
/// </summary>
internal static class ParamValidator
{
    /// <summary>
    /// The normalized params. A secret absent from <paramref name="input"/> keeps its value from
    /// <paramref name="previous"/>: the API never returns secrets, so a client that edits what it read cannot send
    /// them back.
    /// </summary>
    /// <exception cref="MonitorValidationException">The first field that does not fit, as <c>params.field</c>.</exception>
    public static IReadOnlyDictionary<string, ParamValue> Validate(
        MonitorTemplate template, IReadOnlyDictionary<string, ParamValue> input, IReadOnlyDictionary<string, ParamValue>? previous = null)
    {
        foreach (var field in input.Keys)
        {
            if (template.Param(field) is null)
            {
                throw new MonitorValidationException("params." + field, $"unknown parameter for app '{template.App}'");
            }
        }

        var result = new SortedDictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var param in template.Params)
        {
            if (Resolve(param, input, previous) is { } value)
            {
                result[param.Field] = Normalize(param, value);
            }
            else if (param.Required)
            {
                throw new MonitorValidationException("params." + param.Field, "is required");
            }
        }

        return result;
    }

    /// <summary>Why <paramref name="text"/> is not a valid value of <paramref name="param"/>, or null when it is.</summary>
    public static string? CheckText(TemplateParam param, string text)
    {
        try
        {
            NormalizeText(param, text);
            return null;
        }
        catch (MonitorValidationException ex)
        {
            return ex.Reason;
        }
    }

    private static ParamValue? Resolve(TemplateParam param, IReadOnlyDictionary<string, ParamValue> input, IReadOnlyDictionary<string, ParamValue>? previous)
    {
        if (input.TryGetValue(param.Field, out var given) && !(given.Text is { Length: 0 } && !param.Required && param.Type != ParamType.Text))
        {
            return given;
        }

        if (param.Secret && previous is not null && previous.TryGetValue(param.Field, out var kept))
        {
            return kept;
        }

        return param.Default is { } text ? ParamValue.OfText(text) : null;
    }

    private static ParamValue Normalize(TemplateParam param, ParamValue value)
    {
        if (param.Type == ParamType.KeyValue)
        {
            return value.Map is not null
                ? value
                : throw new MonitorValidationException("params." + param.Field, "expected a mapping of names to values");
        }

        if (value.Text is null)
        {
            throw new MonitorValidationException("params." + param.Field, "expected a single value, got a mapping");
        }

        try
        {
            return ParamValue.OfText(NormalizeText(param, value.Text));
        }
        catch (MonitorValidationException ex)
        {
            throw new MonitorValidationException("params." + param.Field, ex.Reason);
        }
    }

    private static string NormalizeText(TemplateParam param, string text) => param.Type switch
    {
        ParamType.Host => Host(text),
        ParamType.Port => Range(param, Integer(text, 1, 65535)),
        ParamType.Number => Range(param, Number(text)),
        ParamType.Boolean => text switch
        {
            "true" or "True" or "TRUE" => "true",
            "false" or "False" or "FALSE" => "false",
            _ => throw Invalid($"expected true or false, got '{text}'"),
        },
        ParamType.Select => param.Options.Contains(text, StringComparer.Ordinal) ? text : throw Invalid($"'{text}' is not one of {string.Join(", ", param.Options)}"),
        ParamType.Duration => Duration(param, text),
        ParamType.KeyValue => throw Invalid("expected a mapping of names to values"),
        _ => text,
    };

    private static string Host(string text)
    {
        var kind = Uri.CheckHostName(text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text);
        return kind != UriHostNameType.Unknown ? text : throw Invalid($"'{text}' is not a host name or IP address");
    }

    private static double Integer(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(string.Create(CultureInfo.InvariantCulture, $"expected a port from {min} to {max}, got '{text}'"));

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Invalid($"expected a number, got '{text}'");

    private static string Duration(TemplateParam param, string text)
    {
        if (!PromDuration.TryParse(text, out var value))
        {
            throw Invalid($"expected a duration like 5s, got '{text}'");
        }

        Range(param, value.TotalSeconds);
        return PromDuration.Format(value);
    }

    private static string Range(TemplateParam param, double value)
    {
        if (value < param.Min)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"must be at least {param.Min}, got {value}"));
        }

        if (value > param.Max)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"must be at most {param.Max}, got {value}"));
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static MonitorValidationException Invalid(string reason) => new("", reason);
}
