using System.Text;
using System.Text.Json;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Store;

/// <summary>
/// The JSON a stored monitor keeps its params and labels in: <c>{"field": "text"}</c>, or for a key-value param
/// <c>{"field": {"k": "v"}}</c>. The API's request bodies use the same shape, so both read through here.
/// </summary>
internal static class MonitorCodec
{
    public static string WriteParams(IReadOnlyDictionary<string, ParamValue> values)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteParams(json, values, _ => true);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the params object, leaving out the fields <paramref name="include"/> refuses (secrets).</summary>
    public static void WriteParams(Utf8JsonWriter json, IReadOnlyDictionary<string, ParamValue> values, Func<string, bool> include)
    {
        json.WriteStartObject();
        foreach (var (field, value) in values)
        {
            if (!include(field))
            {
                continue;
            }

            if (value.Map is { } map)
            {
                WriteMap(json, field, map);
            }
            else
            {
                json.WriteString(field, value.Text);
            }
        }

        json.WriteEndObject();
    }

    public static void WriteMap(Utf8JsonWriter json, string property, IReadOnlyDictionary<string, string> map)
    {
        json.WriteStartObject(property);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    public static string WriteLabels(IReadOnlyDictionary<string, string> labels) => JsonSerializer.Serialize(labels, StoreJsonContext.Default.IReadOnlyDictionaryStringString);

    public static IReadOnlyDictionary<string, string> ReadLabels(string json)
    {
        var parsed = JsonSerializer.Deserialize(json, StoreJsonContext.Default.DictionaryStringString) ?? [];
        return new SortedDictionary<string, string>(parsed, StringComparer.Ordinal);
    }

    public static IReadOnlyDictionary<string, ParamValue> ReadParams(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ReadParams(document.RootElement, "params");
    }

    /// <summary>
    /// Reads a params object. Numbers and booleans are taken as their text, so <c>"port": 80</c> and
    /// <c>"port": "80"</c> mean the same; the template's validation then decides whether the text fits.
    /// </summary>
    /// <exception cref="MonitorValidationException">Not an object, or a value that is neither scalar nor a string map.</exception>
    public static IReadOnlyDictionary<string, ParamValue> ReadParams(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MonitorValidationException(path, "expected an object");
        }

        var result = new SortedDictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var fieldPath = path + "." + property.Name;
            result[property.Name] = property.Value.ValueKind == JsonValueKind.Object
                ? ParamValue.OfMap(ReadStringMap(property.Value, fieldPath))
                : ParamValue.OfText(ScalarText(property.Value, fieldPath));
        }

        return result;
    }

    /// <summary>An object of scalars, as sorted strings.</summary>
    public static SortedDictionary<string, string> ReadStringMap(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MonitorValidationException(path, "expected an object");
        }

        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = ScalarText(property.Value, path + "." + property.Name);
        }

        return map;
    }

    public static string ScalarText(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new MonitorValidationException(path, $"expected a string, number or boolean, got {value.ValueKind.ToString().ToLowerInvariant()}"),
    };
}
