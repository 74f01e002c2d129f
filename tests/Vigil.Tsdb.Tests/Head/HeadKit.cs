using System.Globalization;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.HeadTests;

/// <summary>Builders and readers shared by the head tests. Samples are compared as value bits, never values (NaN != NaN).</summary>
internal static class HeadKit
{
    /// <summary>Prometheus's stale marker.</summary>
    public const ulong StaleNaNBits = 0x7ff0000000000002;

    public static double StaleNaN => BitConverter.UInt64BitsToDouble(StaleNaNBits);

    /// <summary><c>L("__name__", "up", "job", "a")</c>.</summary>
    public static Labels L(params string[] pairs)
    {
        var list = new (string, string)[pairs.Length / 2];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = (pairs[2 * i], pairs[(2 * i) + 1]);
        }

        return Labels.FromPairs(list);
    }

    public static ulong Bits(double v) => BitConverter.DoubleToUInt64Bits(v);

    /// <summary>Every selected series with its samples, in the order the set returned them.</summary>
    public static List<(Labels Labels, List<(long T, ulong Bits)> Samples)> Select(
        Head head, long mint, long maxt, params LabelMatcher[] matchers)
    {
        using var querier = head.Querier();
        return Vigil.Tsdb.Tests.BlockTests.BlockKit.Read(querier, mint, maxt, matchers);
    }

    /// <summary>The samples of the one series with exactly <paramref name="labels"/>, over all time.</summary>
    public static List<(long T, ulong Bits)> Samples(Head head, Labels labels)
    {
        var matchers = new List<LabelMatcher>();
        foreach (var label in labels)
        {
            matchers.Add(LabelMatcher.Equal(label.Name, label.Value));
        }

        foreach (var (l, samples) in Select(head, long.MinValue, long.MaxValue, [.. matchers]))
        {
            if (l.Equals(labels))
            {
                return samples;
            }
        }

        return [];
    }

    /// <summary><c>1000:1 2000:NaN(7ff0000000000002)</c>: NaNs show their bits, so a stale marker is not any NaN.</summary>
    public static string Format(IEnumerable<(long T, ulong Bits)> samples) =>
        string.Join(" ", samples.Select(s =>
        {
            double v = BitConverter.UInt64BitsToDouble(s.Bits);
            return double.IsNaN(v)
                ? string.Create(CultureInfo.InvariantCulture, $"{s.T}:NaN({s.Bits:x16})")
                : string.Create(CultureInfo.InvariantCulture, $"{s.T}:{v}");
        }));
}
