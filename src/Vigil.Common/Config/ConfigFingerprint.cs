using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Common.Hashing;

namespace Vigil.Common.Config;

/// <summary>Leaves a property out of <see cref="ConfigFingerprint"/>, e.g. the fingerprint itself.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FingerprintIgnoreAttribute : Attribute
{
}

/// <summary>
/// A stable hash of a parsed config section, so reload can tell which instances changed.
/// Records compare lists by reference, so their <c>Equals</c> cannot answer that; this walks
/// public properties instead. Maps are hashed in key order, so YAML key order and comments
/// never matter, only the values do.
/// </summary>
public static class ConfigFingerprint
{
    /// <summary>
    /// Lower-case hex of a 128-bit <see cref="Hash128"/> of a canonical, length-prefixed rendering of
    /// <paramref name="value"/>. Fingerprints are compared only within one process (reload), so the per-process seed
    /// is fine; a cryptographic hash bought nothing here and loaded OpenSSL into every process.
    /// </summary>
    public static string Compute(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        var (h1, h2) = Hash128.Hash(Encoding.UTF8.GetBytes(sb.ToString()));
        return h1.ToString("x16", CultureInfo.InvariantCulture) + h2.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append('~');
                break;
            case string s:
                // Length prefix keeps "a","bc" distinct from "ab","c".
                sb.Append('s').Append(s.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(s);
                break;
            case Regex regex:
                Append(sb, regex.ToString());
                break;
            case TimeSpan span:
                sb.Append('t').Append(span.Ticks.ToString(CultureInfo.InvariantCulture)).Append(';');
                break;
            case Uri uri:
                Append(sb, uri.OriginalString);
                break;
            case Enum e:
                sb.Append('e').Append(e.ToString()).Append(';');
                break;
            case IFormattable f when value.GetType().IsPrimitive || value is decimal:
                sb.Append('n').Append(f.ToString(null, CultureInfo.InvariantCulture)).Append(';');
                break;
            case bool b:
                sb.Append(b ? "T;" : "F;");
                break;
            case IDictionary dict:
                AppendDictionary(sb, dict);
                break;
            case IEnumerable list:
                sb.Append('[');
                foreach (var item in list)
                {
                    Append(sb, item);
                }

                sb.Append(']');
                break;
            default:
                AppendObject(sb, value);
                break;
        }
    }

    private static void AppendDictionary(StringBuilder sb, IDictionary dict)
    {
        var keys = new List<string>();
        foreach (var key in dict.Keys)
        {
            keys.Add(Convert.ToString(key, CultureInfo.InvariantCulture) ?? "");
        }

        keys.Sort(StringComparer.Ordinal);
        sb.Append('{');
        foreach (var key in keys)
        {
            Append(sb, key);
            Append(sb, dict[key]);
        }

        sb.Append('}');
    }

    private static void AppendObject(StringBuilder sb, object value)
    {
        var type = value.GetType();
        sb.Append('(').Append(type.Name).Append(':');
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<FingerprintIgnoreAttribute>() is null)
            .OrderBy(p => p.Name, StringComparer.Ordinal);
        foreach (var property in properties)
        {
            sb.Append(property.Name).Append('=');
            Append(sb, property.GetValue(value));
        }

        sb.Append(')');
    }
}
