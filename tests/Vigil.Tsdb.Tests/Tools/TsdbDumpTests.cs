using System.Text;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Tests.BlockTests;
using Vigil.Tsdb.Tools;
using static Vigil.Tsdb.Tests.Tools.ToolBlocks;

namespace Vigil.Tsdb.Tests.Tools;

/// <summary>Issue 5's <c>vigil tsdb dump</c>: promtool's lines, series merged across blocks and sorted, selectors OR-ed.</summary>
public sealed class TsdbDumpTests
{
    private const string UpA = "{__name__=\"up\", instance=\"a\", job=\"api\"}";
    private const string UpB = "{__name__=\"up\", instance=\"b\", job=\"api\"}";
    private const string Ok = "{__name__=\"http_requests_total\", code=\"200\", job=\"api\"}";
    private const string Failed = "{__name__=\"http_requests_total\", code=\"500\", job=\"api\"}";

    [Fact]
    public void Every_sample_of_every_series_without_a_selector()
    {
        Assert.Equal(
            [
                $"{Ok} 10 {T(1)}", $"{Ok} 25.5 {T(3)}",
                $"{Failed} 1e+06 {T(2)}",
                $"{UpA} 1 {T(0)}", $"{UpA} 0 {T(1)}", $"{UpA} 1 {T(2)}", $"{UpA} NaN {T(3)}",
                $"{UpB} 1 {T(0)}", $"{UpB} 1 {T(1)}",
            ],
            Dump());
    }

    [Theory]
    [InlineData(new[] { "up{instance=\"a\"}" }, new[] { UpA })]
    [InlineData(new[] { "{code=~\"5..\"}" }, new[] { Failed })]
    [InlineData(new[] { "{job=\"api\",code!=\"200\"}" }, new[] { Failed, UpA, UpB })]
    [InlineData(new[] { "http_requests_total{code!~\"2.*\"}" }, new[] { Failed })]
    [InlineData(new[] { "up{instance=\"b\"}", "{code=\"500\"}" }, new[] { Failed, UpB })]
    [InlineData(new[] { "up", "{instance=\"a\"}" }, new[] { UpA, UpB })] // a series two selectors share, once
    [InlineData(new[] { "nothing" }, new string[0])]
    public void Selectors_are_ored_and_each_series_comes_once_sorted(string[] selectors, string[] series)
    {
        var lines = Dump(selectors);
        Assert.Equal(series, lines.Select(Series).Distinct());
        Assert.Equal(lines.Count, lines.Distinct().Count());
        Assert.Equal(lines.Count, Samples.Count(s => series.Contains(PromtoolText.FormatLabels(s.Labels))));
    }

    [Fact]
    public void A_series_in_two_blocks_is_one_series_in_time_order()
    {
        Assert.Equal([$"{UpA} 1 {T(0)}", $"{UpA} 0 {T(1)}", $"{UpA} 1 {T(2)}", $"{UpA} NaN {T(3)}"], Dump(["up{instance=\"a\"}"]));
    }

    [Fact]
    public void Time_bounds_are_inclusive()
    {
        Assert.Equal([$"{UpA} 0 {T(1)}", $"{UpA} 1 {T(2)}"], Dump(["up{instance=\"a\"}"], T(1), T(2)));
        Assert.Equal([$"{Ok} 10 {T(1)}", $"{UpA} 0 {T(1)}", $"{UpB} 1 {T(1)}"], Dump([], T(1), T(1)));
        Assert.Empty(Dump([], T(3) + 1, long.MaxValue));
    }

    private static long T(int hours) => Start + (hours * Hour);

    private static string Series(string line) => line[..(line.IndexOf('}', StringComparison.Ordinal) + 1)];

    private static List<string> Dump(string[]? selectors = null, long mint = long.MinValue, long maxt = long.MaxValue)
    {
        using var temp = new TempDirectory("dump");
        Write(temp.Path);
        using var blocks = BlockDirectory.OpenReadOnly(temp.Path);
        using var output = new MemoryStream();
        long lines = TsdbDump.Write(blocks, [.. (selectors ?? []).Select(SeriesSelector.Parse)], mint, maxt, output);
        string text = Encoding.UTF8.GetString(output.ToArray());
        var result = text.Split('\n').ToList();
        Assert.Equal("", result[^1]);
        result.RemoveAt(result.Count - 1);
        Assert.Equal(lines, result.Count);
        return result;
    }
}
