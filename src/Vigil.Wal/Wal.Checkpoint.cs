using System.Buffers;

namespace Vigil.Wal;

// Truncation, Prometheus style: before segments are deleted, every series the table knows is written to a
// checkpoint, so a reader that starts at the beginning (or a restart) still learns the labels of refs that
// kept segments use. The table never forgets a series, so the checkpoint is a superset of what deleted segments held.
internal sealed partial class Wal
{
    private readonly SemaphoreSlim _truncateGate = new(1, 1);

    /// <summary>
    /// Deletes the segments below <paramref name="firstKeptSegment"/> (capped at CurrentSegment, which is never
    /// deleted) after writing checkpoint firstKept - 1 with every series in the table; then deletes older
    /// checkpoints. Safe with concurrent commits and readers (a reader keeps reading a segment it already has open);
    /// truncations run one at a time. Nothing below the first segment means nothing is written or removed.
    /// </summary>
    public async Task<WalTruncation> TruncateBeforeAsync(int firstKeptSegment, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstKeptSegment);
        await _truncateGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _released), this);

            // Checkpoint writing is fsync-heavy blocking I/O; keep it off the caller's thread.
            return await Task.Run(() => TruncateBefore(firstKeptSegment, ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _truncateGate.Release();
        }
    }

    private WalTruncation TruncateBefore(int firstKept, CancellationToken ct)
    {
        firstKept = Math.Min(firstKept, CurrentSegment);
        if (firstKept <= FirstSegment)
        {
            return new WalTruncation(firstKept, 0, 0, 0);
        }

        int checkpoint = firstKept - 1;
        long checkpointBytes = WriteCheckpoint(checkpoint, ct);
        SetCheckpoint(checkpoint, checkpointBytes);

        // From here on the checkpoint is published, so cancelling would only leave files that the next truncation
        // or open removes anyway; finish the job instead.
        (int segments, long bytes, long samples) = RemoveSegmentStats(firstKept);
        foreach (int index in WalFormat.ListSegments(Directory))
        {
            if (index >= firstKept)
            {
                break;
            }

            File.Delete(WalFormat.SegmentPath(Directory, index));
        }

        foreach (int older in WalCheckpoint.List(Directory))
        {
            if (older < checkpoint)
            {
                System.IO.Directory.Delete(WalCheckpoint.PathOf(Directory, older), recursive: true);
            }
        }

        return new WalTruncation(firstKept, segments, bytes, samples);
    }

    private long WriteCheckpoint(int index, CancellationToken ct)
    {
        // Big enough for the usual label set; smaller segments get smaller records so a checkpoint file can honour
        // SegmentSizeBytes like the log does.
        int maxPayload = (int)Math.Clamp(_options.SegmentSizeBytes - WalFormat.HeaderSize, 4096, WalFormat.MaxRecordPayload);
        var recordEnds = new List<int>();
        byte[] entries = ArrayPool<byte>.Shared.Rent(64 << 10);
        try
        {
            int length = SnapshotSeries(ref entries, recordEnds, maxPayload);
            ct.ThrowIfCancellationRequested();
            return WalCheckpoint.Write(Directory, index, entries.AsSpan(0, length), recordEnds, _options.SegmentSizeBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(entries);
        }
    }

    /// <summary>
    /// Copies every (ref, labels) entry as Series payload bytes split into records. Only the table's snapshot is
    /// taken under lock(Series); decompressing the labels, framing, CRCs and I/O happen after it is released.
    /// </summary>
    private int SnapshotSeries(ref byte[] entries, List<int> recordEnds, int maxPayload)
    {
        int length = 0;
        int recordStart = 0;
        SeriesTable.Snapshot snapshot;
        lock (Series)
        {
            snapshot = Series.TakeSnapshot();
        }

        using (snapshot)
        {
            while (snapshot.TryReadNext(out ulong seriesRef, out ReadOnlySpan<byte> labels))
            {
                int size = Varint.UvarintSize(seriesRef) + labels.Length;
                if (length - recordStart + size > maxPayload && length > recordStart)
                {
                    recordEnds.Add(length);
                    recordStart = length;
                }

                if (entries.Length - length < size)
                {
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(entries.Length * 2, length + size));
                    entries.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(entries);
                    entries = bigger;
                }

                int n = Varint.WriteUvarint(entries.AsSpan(length), seriesRef);
                labels.CopyTo(entries.AsSpan(length + n));
                length += size;
            }
        }

        if (length > recordStart)
        {
            recordEnds.Add(length);
        }

        return length;
    }
}
