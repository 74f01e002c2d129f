using System.Globalization;

namespace Vigil.Monitors.Collectors.Http;

/// <summary><c>expected_status</c>: codes and ranges, comma-separated (<c>200-299</c>, <c>200,301-302</c>).</summary>
internal sealed class StatusRanges
{
    private readonly (int From, int To)[] _ranges;

    private StatusRanges((int, int)[] ranges, string text)
    {
        _ranges = ranges;
        Text = text;
    }

    public string Text { get; }

    /// <exception cref="CollectException">Reason <c>config</c>: not codes and ranges.</exception>
    public static StatusRanges Parse(string? text)
    {
        text = string.IsNullOrWhiteSpace(text) ? "200-299" : text;
        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var from = Code(dash < 0 ? part : part[..dash], text);
            var to = dash < 0 ? from : Code(part[(dash + 1)..], text);
            ranges.Add(from <= to ? (from, to) : throw new CollectException("config", $"expected_status '{text}': {part} is backwards"));
        }

        return new StatusRanges([.. ranges], text);
    }

    public bool Contains(int status) => _ranges.Any(r => status >= r.From && status <= r.To);

    private static int Code(string part, string text) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599
            ? code
            : throw new CollectException("config", $"expected_status '{text}': '{part}' is not a status code");
}
