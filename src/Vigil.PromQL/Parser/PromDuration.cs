using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.PromQL;

/// <summary>
/// Prometheus's durations (<c>model.Duration</c> in prometheus/common, v0.39 as 2.42 uses it): units <c>y</c>
/// (365 days), <c>w</c>, <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c>, each at most once and in that order
/// (<c>1h30m</c>, not <c>30m1h</c> or <c>1h1h</c>), integers only (<c>1.5h</c> is refused), at most about 292 years
/// (Go's <c>time.Duration</c> in nanoseconds).
/// </summary>
internal static partial class PromDuration
{
    private const long MsPerSecond = 1000;
    private const long MsPerMinute = 60 * MsPerSecond;
    private const long MsPerHour = 60 * MsPerMinute;
    private const long MsPerDay = 24 * MsPerHour;
    private const long MsPerWeek = 7 * MsPerDay;
    private const long MsPerYear = 365 * MsPerDay;
    private const long NsPerMs = 1_000_000;

    private static readonly long[] s_unitMs = [MsPerYear, MsPerWeek, MsPerDay, MsPerHour, MsPerMinute, MsPerSecond, 1];

    /// <summary>
    /// Parses <paramref name="text"/>; on failure <paramref name="error"/> is model.ParseDuration's message:
    /// <c>not a valid duration string: "1h1h"</c> or <c>duration out of range</c>.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan duration, out string? error)
    {
        (duration, error) = (TimeSpan.Zero, null);
        if (text == "0")
        {
            return true;
        }

        if (text.Length == 0)
        {
            error = "empty duration string";
            return false;
        }

        var match = DurationRegex().Match(text);
        if (!match.Success)
        {
            error = "not a valid duration string: " + GoText.Quote(text);
            return false;
        }

        Int128 totalNs = 0;
        bool overflow = false;
        for (int unit = 0; unit < s_unitMs.Length; unit++)
        {
            var group = match.Groups[unit + 1];
            if (!group.Success)
            {
                continue;
            }

            // Go's strconv.Atoi saturates at MaxInt64, then each unit is checked against what fits in nanoseconds.
            long n = long.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : long.MaxValue;
            if (n > long.MaxValue / s_unitMs[unit] / NsPerMs)
            {
                overflow = true;
            }

            totalNs += (Int128)n * s_unitMs[unit] * NsPerMs;
        }

        if (overflow || totalNs > long.MaxValue)
        {
            error = "duration out of range";
            return false;
        }

        duration = TimeSpan.FromTicks((long)(totalNs / 100));
        return true;
    }

    /// <summary>
    /// model.Duration's <c>String</c>: the largest units first, years and weeks only when they divide the whole
    /// exactly (<c>90d</c>, not <c>12w6d</c>), <c>0s</c> for zero; the config's formatter, which is the same function.
    /// </summary>
    public static string Format(TimeSpan duration) => Vigil.Common.Config.PromDuration.Format(duration);

    [GeneratedRegex("^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();
}
