using System.Text.Json;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Tests.BlockTests;
using Vigil.Tsdb.Tools;
using static Vigil.Tsdb.Tests.Tools.ToolBlocks;

namespace Vigil.Tsdb.Tests.Tools;

/// <summary>Issue 5's <c>vigil tsdb analyze</c>: the cardinality report over all blocks, from a read-only open.</summary>
public sealed class TsdbAnalyzerTests
{
    [Fact]
    public void Totals_top_lists_and_churn_over_all_blocks()
    {
        using var temp = new TempDirectory("analyze");
        var metas = Write(temp.Path);
        using var blocks = BlockDirectory.OpenReadOnly(temp.Path);
        var analysis = TsdbAnalyzer.Analyze(blocks);

        Assert.Equal(2, analysis.Blocks.Count);
        Assert.Equal(4, analysis.Series);
        Assert.Equal(9, analysis.Samples);
        Assert.Equal(6, analysis.Chunks);
        Assert.Equal(Start, analysis.MinTime);
        Assert.Equal(Start + (3 * Hour), analysis.MaxTime);
        Assert.Equal(Bytes(temp.Path, metas), analysis.Bytes);
        Assert.Equal((double)analysis.Bytes / 9, analysis.BytesPerSample);
        Assert.Equal(4, analysis.LabelNames);
        Assert.Equal(7, analysis.LabelPairs);

        // up{instance="b"} is in the first block only.
        Assert.Equal(1, analysis.ChurnedSeries);
        Assert.Equal([("__name__", "up", 1L), ("instance", "b", 1L), ("job", "api", 1L)], analysis.ChurnLabelPairs.Select(e => (e.Name, e.Value, e.Count)));
        Assert.Equal([("http_requests_total", 2L), ("up", 2L)], analysis.TopMetricNames.Select(e => (e.Name, e.Count)));
        Assert.Equal([("__name__", 2L), ("code", 2L), ("instance", 2L), ("job", 1L)], analysis.TopLabelNames.Select(e => (e.Name, e.Count)));
        Assert.Equal(
            [("job", "api", 4L), ("__name__", "http_requests_total", 2L), ("__name__", "up", 2L), ("code", "200", 1L), ("code", "500", 1L), ("instance", "a", 1L), ("instance", "b", 1L)],
            analysis.TopLabelPairs.Select(e => (e.Name, e.Value, e.Count)));
    }

    [Fact]
    public void Limit_cuts_every_top_list()
    {
        using var temp = new TempDirectory("analyze");
        Write(temp.Path);
        using var blocks = BlockDirectory.OpenReadOnly(temp.Path);
        var analysis = TsdbAnalyzer.Analyze(blocks, limit: 2);
        Assert.Equal(2, analysis.TopLabelPairs.Count);
        Assert.Equal(2, analysis.TopLabelNames.Count);
        Assert.Equal(2, analysis.ChurnLabelPairs.Count);
        Assert.Equal(4, analysis.Series);
    }

    [Fact]
    public void An_empty_directory_gives_zeros()
    {
        using var temp = new TempDirectory("analyze");
        using var blocks = BlockDirectory.OpenReadOnly(temp.Path);
        var analysis = TsdbAnalyzer.Analyze(blocks);
        var json = Json(analysis);
        foreach (string key in new[] { "blocks", "series", "samples", "chunks", "min_time", "max_time", "bytes", "churned_series" })
        {
            Assert.Equal(0, json.GetProperty(key).GetInt64());
        }

        Assert.Equal(0.0, json.GetProperty("bytes_per_sample").GetDouble());
        Assert.Equal(0, json.GetProperty("top_label_pairs").GetArrayLength());
        var text = new StringWriter();
        analysis.WriteText(text);
        Assert.Contains("Time range: none", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_totals_the_top_lists_and_each_block()
    {
        using var temp = new TempDirectory("analyze");
        var metas = Write(temp.Path);
        using var blocks = BlockDirectory.OpenReadOnly(temp.Path);
        var json = Json(TsdbAnalyzer.Analyze(blocks));
        Assert.Equal(2, json.GetProperty("blocks").GetInt32());
        Assert.Equal(4, json.GetProperty("series").GetInt32());
        Assert.Equal(9, json.GetProperty("samples").GetInt32());
        Assert.Equal(Start, json.GetProperty("min_time").GetInt64());
        Assert.Equal(Start + (3 * Hour), json.GetProperty("max_time").GetInt64());
        Assert.Equal((double)Bytes(temp.Path, metas) / 9, json.GetProperty("bytes_per_sample").GetDouble());
        Assert.Equal("""{"name":"job","value":"api","series":4}""", json.GetProperty("top_label_pairs")[0].GetRawText());
        Assert.Equal("""{"name":"http_requests_total","series":2}""", json.GetProperty("top_metric_names")[0].GetRawText());
        Assert.Equal("""{"name":"__name__","values":2}""", json.GetProperty("top_label_names")[0].GetRawText());
        var first = json.GetProperty("block_list")[0];
        Assert.Equal(metas[0].Ulid.ToString(), first.GetProperty("ulid").GetString());
        Assert.Equal(Start + (2 * Hour), first.GetProperty("max_time").GetInt64());
        Assert.Equal(5, first.GetProperty("samples").GetInt32());
        Assert.Equal(1, first.GetProperty("level").GetInt32());
    }

    [Fact]
    public void Text_report_lists_totals_top_entries_and_blocks()
    {
        using var temp = new TempDirectory("analyze");
        var metas = Write(temp.Path);
        Directory.CreateDirectory(Path.Combine(temp.Path, Ulid.New() + ".tmp"));
        using var blocks = BlockDirectory.OpenReadOnly(temp.Path);
        var text = new StringWriter();
        TsdbAnalyzer.Analyze(blocks).WriteText(text);
        string report = text.ToString();
        Assert.StartsWith("Blocks: 2 (1 directory skipped, listed at the end)\n", report, StringComparison.Ordinal);
        Assert.Contains("\nSeries: 4\n", report, StringComparison.Ordinal);
        Assert.Contains("\nChurned series: 1 ", report, StringComparison.Ordinal);
        Assert.Contains("\nMost common label pairs (series):\n  4  job=\"api\"\n  2  __name__=\"http_requests_total\"\n", report, StringComparison.Ordinal);
        Assert.Contains($"\n  {metas[1].Ulid}  {Start + (2 * Hour)}", report, StringComparison.Ordinal);
        Assert.Contains(".tmp: a block write or deletion that is under way or did not finish\n", report, StringComparison.Ordinal);
    }

    private static JsonElement Json(TsdbAnalysis analysis)
    {
        using var stream = new MemoryStream();
        analysis.WriteJson(stream);
        Assert.Equal((byte)'\n', stream.ToArray()[^1]);
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }
}
