using System.Globalization;
using System.Net;

namespace Vigil.Benchmarks.ServeTargets;

/// <summary>Command line of <c>serve-targets</c>; every error is one line naming the flag.</summary>
internal sealed record ServeTargetsOptions(IPEndPoint Listen, int Targets, int Series, int Variants)
{
    public const string Usage =
        """
        usage: Vigil.Benchmarks serve-targets --listen HOST:PORT [--targets N] [--series N] [--variants N]
          Serves N distinct node_exporter-like pages of --series samples each, blackbox-exporter style:
          GET /metrics?target=t0001 ... t<N> (names zero-padded to at least 4 digits). Each target has
          --variants pre-rendered pages (default 4) with different values, served in turn, so consecutive
          scrapes of a target see new values. Answers gzip when the client accepts it, identity otherwise.
          GET /-/ready answers 200 once the pages are built; GET /-/stats gives request counts as JSON.
        """;

    /// <summary>The name of target <paramref name="index"/> (0-based): t0001, t0002, ...</summary>
    public string TargetName(int index) => "t" + (index + 1).ToString(new string('0', NameDigits), CultureInfo.InvariantCulture);

    /// <summary>Digits in a target name: at least 4, more when there are more targets.</summary>
    public int NameDigits => Math.Max(4, Targets.ToString(CultureInfo.InvariantCulture).Length);

    public static ServeTargetsOptions Parse(IReadOnlyList<string> args)
    {
        IPEndPoint? listen = null;
        int targets = 1000, series = 1000, variants = 4;
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value");
            switch (flag)
            {
                case "--listen":
                    listen = IPEndPoint.TryParse(value, out IPEndPoint? endpoint) && endpoint.Port > 0
                        ? endpoint
                        : throw new ArgumentException($"--listen: expected IP:PORT, got '{value}'");
                    break;
                case "--targets": targets = PositiveInt(flag, value); break;
                case "--series": series = PositiveInt(flag, value); break;
                case "--variants": variants = PositiveInt(flag, value); break;
                default: throw new ArgumentException($"unknown flag '{flag}'");
            }
        }

        return listen is null
            ? throw new ArgumentException("--listen is required")
            : new ServeTargetsOptions(listen, targets, series, variants);
    }

    private static int PositiveInt(string flag, string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{flag}: expected a positive integer, got '{value}'");
}
