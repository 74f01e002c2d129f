using System.Security.Cryptography;
using System.Text;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// The digest of the params that decide what a client talks to (issue 7: endpoints, credentials, TLS and protocol
/// options). A lease whose fingerprint changes is rebuilt; secrets go into the digest, never into any text.
/// </summary>
internal static class ParamFingerprint
{
    // Keyed per process: the API shows fingerprints, and an unkeyed hash over a password would let anyone who
    // reads one test guesses offline. Fingerprints only ever need comparing within one process.
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    /// <param name="extra">Values derived from params (a URL's scheme, host and port) that are part of the identity.</param>
    public static string Of(MonitorDefinition monitor, IEnumerable<string> fields, params string[] extra)
    {
        var text = new StringBuilder();
        foreach (var part in extra)
        {
            Append(text, part);
        }

        foreach (var field in fields)
        {
            Append(text, field);
            Append(text, monitor.Params.TryGetValue(field, out var value) ? value.ToString() : "\0");
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    // Length-prefixed, so no two different lists of parts give the same text.
    private static void Append(StringBuilder text, string part) =>
        text.Append(part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(part);
}
