namespace Vigil.Wal;

/// <summary>Backs `vigil wal inspect [--series] DIR`. Read-only: takes no lock and repairs nothing, so it is safe on a live WAL.</summary>
internal static class WalInspector
{
    /// <param name="directory">The instance's WAL directory.</param>
    /// <param name="includeSeries">
    /// Also summarise every series (labels, sample count, newest sample). Holds one small entry per series in memory;
    /// samples are never kept.
    /// </param>
    public static WalInspection Inspect(string directory, bool includeSeries = false)
    {
        var inspection = new WalInspection(includeSeries);
        var refs = new HashSet<ulong>();
        InspectCheckpoint(directory, inspection, refs);
        List<int> segments = WalFormat.ListSegments(directory);
        inspection.Segments = segments.Count;
        foreach (int index in segments)
        {
            using WalSegmentReader? reader = WalSegmentReader.TryOpen(directory, index, 0);
            if (reader is not null)
            {
                inspection.Bytes += reader.Length;
                InspectSegment(reader, inspection, refs);
            }
        }

        inspection.Series = refs.Count;
        return inspection;
    }

    /// <summary>The newest checkpoint's series count too: after truncation they are defined nowhere else.</summary>
    private static void InspectCheckpoint(string directory, WalInspection inspection, HashSet<ulong> refs)
    {
        if (WalCheckpoint.FindNewest(directory) is not int index)
        {
            return;
        }

        inspection.Checkpoint = index;
        string path = WalCheckpoint.PathOf(directory, index);
        foreach (int file in WalFormat.ListSegments(path))
        {
            using WalSegmentReader? reader = WalSegmentReader.TryOpen(path, file, 0);
            if (reader is not null)
            {
                inspection.Bytes += reader.Length;
                InspectSegment(reader, inspection, refs);
            }
        }
    }

    private static void InspectSegment(WalSegmentReader reader, WalInspection inspection, HashSet<ulong> refs)
    {
        while (true)
        {
            long offset = reader.Offset;
            WalFrameStatus status = reader.TryReadFrame(out WalRecordType type, out ReadOnlySpan<byte> payload, out string? reason);
            if (status == WalFrameStatus.End)
            {
                return;
            }

            if (status != WalFrameStatus.Record)
            {
                inspection.AddCorruption(new WalCorruption(reader.Index, offset, reason!));
                return;
            }

            try
            {
                Count(type, payload, inspection, refs);
            }
            catch (WalCorruptException e)
            {
                inspection.AddCorruption(new WalCorruption(reader.Index, offset, e.Message));
            }
        }
    }

    private static void Count(WalRecordType type, ReadOnlySpan<byte> payload, WalInspection inspection, HashSet<ulong> refs)
    {
        if (type == WalRecordType.Series)
        {
            foreach (WalSeriesEntry entry in WalRecordDecoder.EnumerateSeries(payload))
            {
                refs.Add(entry.Ref);
                inspection.DefineSeries(entry.Ref, entry.Labels);
            }

            return;
        }

        foreach (WalSample sample in WalRecordDecoder.EnumerateSamples(payload))
        {
            inspection.Samples++;
            inspection.MinTimestampMs = Math.Min(inspection.MinTimestampMs ?? long.MaxValue, sample.TimestampMs);
            inspection.MaxTimestampMs = Math.Max(inspection.MaxTimestampMs ?? long.MinValue, sample.TimestampMs);
            inspection.ObserveSample(sample);
        }
    }
}
