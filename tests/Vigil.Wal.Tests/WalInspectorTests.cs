using System.Text.Json;

namespace Vigil.Wal.Tests;

public sealed class WalInspectorTests
{
    [Fact]
    public async Task Counts_series_samples_timestamps_segments_and_bytes()
    {
        using var dir = new TempDirectory();
        var batch = new WalBatch();
        await using (var wal = Wal.Open(dir.Path, new WalOptions { SegmentSizeBytes = 150 }))
        {
            long[] timestamps = [500, -20, 9_000, 100, 42];
            for (int i = 0; i < timestamps.Length; i++)
            {
                await wal.CommitSample(batch, i % 2 == 0 ? "even" : "odd", timestamps[i], i);
            }
        }

        WalInspection inspection = WalInspector.Inspect(dir.Path);
        long bytes = WalFormat.ListSegments(dir.Path).Sum(s => new FileInfo(dir.Segment(s)).Length);
        Assert.Equal((2L, 5L, -20L, 9_000L), (inspection.Series, inspection.Samples, inspection.MinTimestampMs, inspection.MaxTimestampMs));
        Assert.Equal((WalFormat.ListSegments(dir.Path).Count, bytes), (inspection.Segments, inspection.Bytes));
        Assert.True(inspection.Segments > 1);
        Assert.Empty(inspection.Corruptions);

        using var json = JsonDocument.Parse(inspection.ToJson());
        JsonElement root = json.RootElement;
        Assert.Equal(2, root.GetProperty("series").GetInt64());
        Assert.Equal(5, root.GetProperty("samples").GetInt64());
        Assert.Equal(-20, root.GetProperty("min_timestamp").GetInt64());
        Assert.Equal(9_000, root.GetProperty("max_timestamp").GetInt64());
        Assert.Equal(inspection.Segments, root.GetProperty("segments").GetInt32());
        Assert.Equal(bytes, root.GetProperty("bytes").GetInt64());
        Assert.Equal(0, root.GetProperty("corrupt_records").GetArrayLength());
    }

    [Fact]
    public async Task Reports_corrupt_records_and_a_torn_tail_without_repairing()
    {
        using var dir = new TempDirectory();
        WalPosition end;
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            end = await wal.CommitSample(new WalBatch(), "a", 1, 1);
        }

        byte[] bytes = File.ReadAllBytes(dir.Segment(0));
        bytes[^1] ^= 1; // the samples record now fails its CRC
        File.WriteAllBytes(dir.Segment(0), [.. bytes, 1, 2]);

        WalInspection inspection = WalInspector.Inspect(dir.Path);
        WalCorruption corruption = Assert.Single(inspection.Corruptions);
        Assert.Equal(0, corruption.Segment);
        Assert.True(corruption.Offset > 0 && corruption.Offset < end.Offset);
        Assert.Equal(end.Offset + 2, new FileInfo(dir.Segment(0)).Length); // untouched
        Assert.Equal((1L, 0L), (inspection.Series, inspection.Samples));

        using var json = JsonDocument.Parse(inspection.ToJson());
        JsonElement record = Assert.Single(json.RootElement.GetProperty("corrupt_records").EnumerateArray());
        Assert.Equal(corruption.Offset, record.GetProperty("offset").GetInt64());
        Assert.StartsWith("crc mismatch", record.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("min_timestamp").ValueKind);
    }

    [Fact]
    public void Inspecting_a_missing_directory_reports_an_empty_wal() =>
        Assert.Equal(
            "{\"series\":0,\"samples\":0,\"min_timestamp\":null,\"max_timestamp\":null,\"segments\":0,\"bytes\":0,\"checkpoint\":null,\"corrupt_records\":[]}",
            WalInspector.Inspect(Path.Combine(Path.GetTempPath(), "vigil-wal-tests", "does-not-exist")).ToJson());

    [Fact]
    public async Task Lists_every_series_with_labels_sample_count_and_newest_sample()
    {
        using var dir = new TempDirectory();
        double stale = BitConverter.UInt64BitsToDouble(WalSeriesSummary.StaleMarkerBits);
        var batch = new WalBatch();
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            byte[] up = CanonicalLabels.Encode(("job", "node"), ("__name__", "up"), ("instance", "127.0.0.1:9100"));
            byte[] odd = CanonicalLabels.Encode(("__name__", "odd"), ("path", "C:\\x \"q\" é+"));
            lock (wal.Series)
            {
                batch.AddSeries(wal.Series.Add(up), up);
                batch.AddSeries(wal.Series.Add(odd), odd);
            }

            await wal.CommitAsync(batch);
            batch.Reset();
            batch.AddSample(1, 1_000, 1);
            batch.AddSample(1, 2_000, 0.1);
            batch.AddSample(1, 3_000, stale);    // what a stopped scrape leaves
            batch.AddSample(2, 5_000, double.PositiveInfinity);
            batch.AddSample(2, 4_000, 7);        // older: the newest sample stays the one at 5 s
            await wal.CommitAsync(batch);
            await wal.CommitSample(batch, "neg", 10, double.NegativeInfinity);
            await wal.CommitSample(batch, "nan", 10, double.NaN);
            await wal.CommitSample(batch, "big", 10, 1.5e300);
            await wal.CommitSample(batch, "only_stale", 10, stale);
        }

        WalInspection inspection = WalInspector.Inspect(dir.Path, includeSeries: true);
        IReadOnlyList<WalSeriesSummary> list = inspection.SeriesList!;
        Assert.Equal([1UL, 2, 3, 4, 5, 6], list.Select(s => s.Ref));
        Assert.Equal([("__name__", "up"), ("instance", "127.0.0.1:9100"), ("job", "node")], list[0].LabelPairs());
        Assert.Equal((3L, 3_000L, true, 2_000L, 0.1), (list[0].Samples, list[0].LastTimestampMs!.Value, list[0].IsStale, list[0].LastLiveTimestampMs!.Value, list[0].LastLiveValue));

        using var json = JsonDocument.Parse(inspection.ToJson());
        JsonElement[] series = [.. json.RootElement.GetProperty("series_list").EnumerateArray()];
        Assert.Equal(6, json.RootElement.GetProperty("series").GetInt64());
        Assert.Equal(
            """{"ref":1,"labels":{"__name__":"up","instance":"127.0.0.1:9100","job":"node"},"samples":3,"last_timestamp":3000,"last_value":"NaN","stale":true,"last_live_timestamp":2000,"last_live_value":"0.1"}""",
            series[0].GetRawText());
        Assert.Equal("C:\\x \"q\" é+", series[1].GetProperty("labels").GetProperty("path").GetString());
        Assert.Contains("é+", series[1].GetRawText(), StringComparison.Ordinal); // readable, not \u escapes
        Check(series[1], 2, 5_000, "+Inf", stale: false, 5_000, "+Inf");
        Check(series[2], 1, 10, "-Inf", stale: false, 10, "-Inf");
        Check(series[3], 1, 10, "NaN", stale: false, 10, "NaN"); // an ordinary NaN is a value, not a stale marker
        Check(series[4], 1, 10, "1.5E+300", stale: false, 10, "1.5E+300");
        Check(series[5], 1, 10, "NaN", stale: true, null, null);

        static void Check(JsonElement s, long samples, long last, string value, bool stale, long? live, string? liveValue)
        {
            Assert.Equal(samples, s.GetProperty("samples").GetInt64());
            Assert.Equal(last, s.GetProperty("last_timestamp").GetInt64());
            Assert.Equal(value, s.GetProperty("last_value").GetString());
            Assert.Equal(stale, s.GetProperty("stale").GetBoolean());
            JsonElement liveTs = s.GetProperty("last_live_timestamp");
            Assert.Equal(live, liveTs.ValueKind == JsonValueKind.Null ? null : liveTs.GetInt64());
            Assert.Equal(liveValue, s.GetProperty("last_live_value").GetString());
        }
    }

    [Fact]
    public async Task Series_defined_only_in_the_checkpoint_keep_their_labels()
    {
        using var dir = new TempDirectory();
        var batch = new WalBatch();
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            await wal.CommitSample(batch, "a", 1, 1);
            await wal.CommitSample(batch, "b", 2, 2);
            await wal.CommitSample(batch, "a", 3, 3);
        }

        // Every open starts a new segment, so truncating below it leaves the series in the checkpoint only.
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            await wal.TruncateBeforeAsync(wal.CurrentSegment);
            await wal.CommitSample(batch, "a", 4, 4);
        }

        WalInspection inspection = WalInspector.Inspect(dir.Path, includeSeries: true);
        Assert.NotNull(inspection.Checkpoint);
        Assert.Equal(
            [("a", 1L, 4L), ("b", 0L, (long?)null)],
            inspection.SeriesList!.Select(s => (s.LabelPairs().Single().Value, s.Samples, s.LastTimestampMs)));
    }

    [Fact]
    public async Task Samples_without_a_series_record_are_listed_with_null_labels()
    {
        using var dir = new TempDirectory();
        var batch = new WalBatch();
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            batch.AddSample(42, 7, 1.25);
            await wal.CommitAsync(batch);
        }

        using var json = JsonDocument.Parse(WalInspector.Inspect(dir.Path, includeSeries: true).ToJson());
        JsonElement entry = Assert.Single(json.RootElement.GetProperty("series_list").EnumerateArray());
        Assert.Equal((42UL, JsonValueKind.Null, "1.25"), (entry.GetProperty("ref").GetUInt64(), entry.GetProperty("labels").ValueKind, entry.GetProperty("last_value").GetString()));
        Assert.Equal(0, json.RootElement.GetProperty("series").GetInt64());
    }

    [Fact]
    public async Task Without_series_there_is_no_series_list()
    {
        using var dir = new TempDirectory();
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            await wal.CommitSample(new WalBatch(), "a", 1, 1);
        }

        WalInspection inspection = WalInspector.Inspect(dir.Path);
        Assert.Null(inspection.SeriesList);
        using var json = JsonDocument.Parse(inspection.ToJson());
        Assert.False(json.RootElement.TryGetProperty("series_list", out _));

        using var stream = new MemoryStream();
        inspection.WriteJson(stream);
        Assert.Equal(inspection.ToJson(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
