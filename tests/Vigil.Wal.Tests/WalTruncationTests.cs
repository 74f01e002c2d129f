using System.Text.Json;

namespace Vigil.Wal.Tests;

public sealed class WalTruncationTests
{
    /// <summary>Segment 0: series a, b + 2 samples; 1: series c + 3 samples; 2: 4 samples of a; then the head (3).</summary>
    private static async Task<Wal> OpenWithThreeSegments(TempDirectory dir)
    {
        var wal = Wal.Open(dir.Path, WalOptions.Default);
        var batch = new WalBatch();
        await wal.CommitSample(batch, "a", 1, 1);
        await wal.CommitSample(batch, "b", 2, 2);
        wal.CutSegment();
        WalSegmentStatsTests.AddSamples(wal, batch, "c", 10, 3);
        await wal.CommitAsync(batch);
        wal.CutSegment();
        WalSegmentStatsTests.AddSamples(wal, batch, "a", 20, 4);
        await wal.CommitAsync(batch);
        wal.CutSegment();
        return wal;
    }

    [Fact]
    public async Task Truncation_checkpoints_every_series_and_reopen_restores_the_table()
    {
        using var dir = new TempDirectory();
        await using (Wal wal = await OpenWithThreeSegments(dir))
        {
            long bytes01 = wal.Segments[0].Bytes + wal.Segments[1].Bytes;
            WalTruncation first = await wal.TruncateBeforeAsync(2);
            Assert.Equal(new WalTruncation(2, 2, bytes01, 5), first);
            Assert.Equal([2, 3], WalFormat.ListSegments(dir.Path));
            Assert.Equal([1], WalCheckpoint.List(dir.Path));
            Assert.Equal((2, 3, (int?)1), (wal.FirstSegment, wal.CurrentSegment, wal.CheckpointIndex));
            Assert.Equal(wal.Segments.Sum(s => s.Bytes) + WalCheckpoint.SizeOf(dir.Path, 1), wal.TotalBytes);

            // Asking past the head is capped at the segment being written, which is never deleted.
            WalTruncation second = await wal.TruncateBeforeAsync(100);
            Assert.Equal((3, 1, 4L), (second.FirstKeptSegment, second.SegmentsRemoved, second.SamplesRemoved));
            Assert.Equal([3], WalFormat.ListSegments(dir.Path));
            Assert.Equal([2], WalCheckpoint.List(dir.Path));
            Assert.Equal(new WalTruncation(3, 0, 0, 0), await wal.TruncateBeforeAsync(3));
        }

        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            Assert.Equal(["a", "b", "c"], new[] { "a", "b", "c" }.Where(m => RefOf(wal, m) == (ulong)(m[0] - 'a' + 1)));
            Assert.Equal(2, wal.CheckpointIndex);
            var batch = new WalBatch();
            WalPosition end = await wal.CommitSample(batch, "d", 30, 30);
            Assert.Equal(4UL, RefOf(wal, "d"));
            Assert.True(end.Segment >= 3);
            Assert.Empty(wal.Corruptions);
        }
    }

    [Fact]
    public async Task A_checkpoint_of_many_series_restores_them_from_compressed_label_blocks()
    {
        // Enough label bytes for several of the table's compressed 64 KiB blocks (issue 5, RSS per series).
        using var dir = new TempDirectory();
        const int Count = 6_000;
        static string Metric(int i) => "many_series_with_a_longish_name_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            var batch = new WalBatch();
            lock (wal.Series)
            {
                for (int i = 0; i < Count; i++)
                {
                    batch.AddSample(wal.ResolveSeries(batch, Metric(i)), i, i);
                }
            }

            await wal.CommitAsync(batch);
            wal.CutSegment();
            await wal.TruncateBeforeAsync(wal.CurrentSegment);
            Assert.Equal([wal.CurrentSegment], WalFormat.ListSegments(dir.Path));
        }

        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            Assert.Equal(Count, wal.Series.Count);
            for (int i = 0; i < Count; i += 97)
            {
                Assert.Equal((ulong)i + 1, RefOf(wal, Metric(i)));
            }
        }
    }

    [Fact]
    public async Task Reading_from_the_start_yields_the_checkpoint_series_then_the_kept_segments()
    {
        using var dir = new TempDirectory();
        await using Wal wal = await OpenWithThreeSegments(dir);
        await wal.TruncateBeforeAsync(2);

        using var reader = WalReader.OpenFromStart(dir.Path);
        var fromCheckpoint = new List<(ulong, string)>();
        while (reader.TryReadNext(out WalRecord record) && record.FromCheckpoint)
        {
            Assert.Equal((WalRecordType.Series, new WalPosition(2, 0)), (record.Type, record.Start));
            foreach (WalSeriesEntry e in WalRecordDecoder.EnumerateSeries(record.Payload))
            {
                fromCheckpoint.Add((e.Ref, CanonicalLabels.Format(e.Labels)));
            }
        }

        Assert.Equal([1UL, 2UL, 3UL], fromCheckpoint.Select(s => s.Item1));
        Assert.Contains("c", fromCheckpoint[2].Item2, StringComparison.Ordinal);

        using var again = WalReader.OpenFromStart(dir.Path);
        var all = new WalContents();
        all.ReadFrom(again);
        Assert.Equal([20L, 21, 22, 23], all.Samples.Select(s => s.TimestampMs));
        Assert.All(all.Samples, s => Assert.Equal(1UL, s.Ref));
        Assert.Equal(0, again.SegmentsSkipped);
    }

    [Theory]
    [InlineData(0, 2, 2)] // saved in a deleted segment: jumps to the first kept one
    [InlineData(1, 2, 1)]
    [InlineData(2, 2, 0)] // still there: nothing skipped
    public async Task A_reader_whose_segment_was_truncated_starts_at_the_first_kept_one(int savedSegment, int expectedSegment, int skipped)
    {
        using var dir = new TempDirectory();
        await using Wal wal = await OpenWithThreeSegments(dir);
        await wal.TruncateBeforeAsync(2);

        using var reader = WalReader.Open(dir.Path, new WalPosition(savedSegment, savedSegment == 2 ? 0 : 17));
        Assert.Equal((skipped, skipped > 0), (reader.SegmentsSkipped, reader.SkippedSegments));
        Assert.True(reader.TryReadNext(out WalRecord record));
        Assert.Equal(new WalPosition(expectedSegment, 0), record.Start);
    }

    [Fact]
    public async Task A_following_reader_skips_segments_deleted_under_it_and_reports_them()
    {
        using var dir = new TempDirectory();
        await using Wal wal = await OpenWithThreeSegments(dir);
        using var reader = WalReader.Open(dir.Path, new WalPosition(0, 0));
        Assert.True(reader.TryReadNext(out _)); // a's series: the reader now holds segment 0 open

        var batch = new WalBatch();
        await wal.CommitSample(batch, "a", 40, 40); // into segment 3
        wal.CutSegment();
        await wal.TruncateBeforeAsync(3);

        var rest = new WalContents();
        rest.ReadFrom(reader);
        Assert.Equal(2, reader.SegmentsSkipped); // 1 and 2; 0 was read to its end through the open handle
        Assert.Equal([1L, 2, 40], rest.Samples.Select(s => s.TimestampMs));
        Assert.Equal(new WalPosition(4, 0), reader.Position);
    }

    [Fact]
    public async Task Open_cleans_up_after_a_crash_during_or_after_checkpointing()
    {
        using var dir = new TempDirectory();
        await using (Wal wal = await OpenWithThreeSegments(dir))
        {
            await wal.TruncateBeforeAsync(1);
        }

        // A crash mid-checkpoint leaves a .tmp; a crash after publishing checkpoint 1 leaves segment 1 behind.
        string leftover = WalCheckpoint.PathOf(dir.Path, 2) + WalCheckpoint.TemporarySuffix;
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "00000000"), [1, 2, 3]);
        Directory.CreateDirectory(WalCheckpoint.PathOf(dir.Path, 1));
        File.Copy(Path.Combine(WalCheckpoint.PathOf(dir.Path, 0), "00000000"), Path.Combine(WalCheckpoint.PathOf(dir.Path, 1), "00000000"));

        await using (var wal = Wal.Open(dir.Path, WalOptions.Default))
        {
            Assert.False(Directory.Exists(leftover));
            Assert.Equal([1], WalCheckpoint.List(dir.Path));
            Assert.Equal(2, wal.FirstSegment);
            Assert.False(File.Exists(dir.Segment(1)));
            Assert.Equal(2UL, RefOf(wal, "b"));
        }
    }

    [Fact]
    public async Task A_wal_truncated_to_nothing_reopens_past_its_checkpoint()
    {
        using var dir = new TempDirectory();
        await using (Wal wal = await OpenWithThreeSegments(dir))
        {
            await wal.TruncateBeforeAsync(3);
        }

        File.Delete(dir.Segment(3)); // the empty head, as if an operator cleaned it
        await using var reopened = Wal.Open(dir.Path, WalOptions.Default);
        Assert.Equal(3, reopened.CurrentSegment);
        Assert.Equal(3UL, RefOf(reopened, "c"));
    }

    [Fact]
    public async Task Inspect_counts_checkpoint_series_and_names_the_checkpoint()
    {
        using var dir = new TempDirectory();
        await using Wal wal = await OpenWithThreeSegments(dir);
        await wal.TruncateBeforeAsync(2);
        WalInspection inspection = WalInspector.Inspect(dir.Path);
        Assert.Equal((3L, 4L, (int?)1), (inspection.Series, inspection.Samples, inspection.Checkpoint));
        using var json = JsonDocument.Parse(inspection.ToJson());
        Assert.Equal(1, json.RootElement.GetProperty("checkpoint").GetInt32());
        Assert.Equal(wal.TotalBytes, inspection.Bytes);
    }

    private static ulong RefOf(Wal wal, string metric)
    {
        lock (wal.Series)
        {
            return wal.Series.TryGet(CanonicalLabels.Encode(("__name__", metric)), out ulong seriesRef) ? seriesRef : 0;
        }
    }
}
