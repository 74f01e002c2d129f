using Vigil.RemoteWrite.Codec;
using Vigil.Wal;

namespace Vigil.RemoteWrite.Receive;

internal sealed partial class RemoteWriteReceiver
{
    // Per-series state in ReceiveContext.KeyStarts: >= 0 is the offset of its canonical key.
    private const int Rejected = -1;
    private const int Cached = -2;
    private const int Pending = -3;

    /// <summary>Largest label set (names plus values) a series may have.</summary>
    private const int MaxLabelSetBytes = 1 << 20;

    private const string LabelsTooLarge = "labels_too_large";

    /// <summary>
    /// Resolves every series the WAL already knows (the common case: a sender pushes the same series again and
    /// again), so only new series pay for validation and sorting. Each series' labels, as sent, are hashed as their
    /// canonical key (without writing it) outside the lock, then looked up in the WAL's series table under it. No
    /// check is needed first: the table holds only keys of valid, sorted label sets, and labels that are not valid
    /// or not in order make bytes none of them has, so they miss and take the full path. The table is the only map
    /// from labels to refs (a second one keyed by the raw protobuf bytes cost ~33 bytes a series; issue 5, RSS).
    /// </summary>
    /// <returns>The number of series still pending.</returns>
    private int ResolveCached(ReceiveContext context)
    {
        var request = context.Request;
        var series = request.Series;
        context.PrepareSeries(series.Length);
        var hashes = context.KeyHashes;
        var buffer = request.Buffer.Span;
        for (var i = 0; i < series.Length; i++)
        {
            (hashes[2 * i], hashes[(2 * i) + 1]) = SeriesTable.HashLabels(new RequestLabels(buffer, request.LabelsOf(series[i])));
        }

        var pending = 0;
        lock (_wal.Series)
        {
            for (var i = 0; i < series.Length; i++)
            {
                if (_wal.Series.TryGet(hashes[2 * i], hashes[(2 * i) + 1], out var seriesRef))
                {
                    context.Refs[i] = seriesRef;
                    context.KeyStarts[i] = Cached;
                }
                else
                {
                    context.KeyStarts[i] = Pending;
                    pending++;
                }
            }
        }

        return pending;
    }

    /// <summary>Validates every pending series and writes the canonical label key of each valid one.</summary>
    /// <returns>null when all series are valid, else the one-line reason for the 400.</returns>
    private string? BuildKeys(ReceiveContext context)
    {
        var request = context.Request;
        var series = request.Series;
        var rejected = 0;
        string? first = null;
        for (var i = 0; i < series.Length; i++)
        {
            if (context.KeyStarts[i] != Pending)
            {
                continue;
            }

            var reason = SeriesValidator.Validate(request, series[i]);
            if (reason != SeriesRejectReason.None)
            {
                context.KeyStarts[i] = Rejected;
                rejected++;
                _metrics.CountRejected(reason.ToLabelValue(), 1);
                first ??= $"{reason.ToLabelValue()} in {FormatLabels(request, series[i])}";
                continue;
            }

            var labels = request.LabelsOf(series[i]);
            var max = 0;
            foreach (ref readonly var label in labels)
            {
                max += label.NameLength + label.ValueLength;
            }

            // A label set this large cannot be a real series, and it must be refused here: past
            // this point a new series gets a ref, and a ref without its WAL record is an orphan.
            if (max > MaxLabelSetBytes)
            {
                context.KeyStarts[i] = Rejected;
                rejected++;
                _metrics.CountRejected(LabelsTooLarge, 1);
                first ??= $"{LabelsTooLarge}: {max} bytes of label names and values exceed {MaxLabelSetBytes}";
                continue;
            }

            var space = context.KeySpace(CanonicalLabels.GetMaxByteCount(labels.Length, max));
            var writer = new CanonicalLabelsWriter(space, labels.Length);
            foreach (ref readonly var label in labels)
            {
                writer.Add(request.Name(label), request.Value(label));
            }

            context.KeyStarts[i] = context.KeysLength;
            context.KeyLengths[i] = writer.Length;
            context.KeysLength += writer.Length;
        }

        return rejected == 0 ? null : $"{rejected} of {series.Length} series rejected; first: {first}";
    }

    /// <summary>
    /// Resolves the keyed series (logging the new ones), then writes every valid series' samples;
    /// completes when both are durable.
    /// </summary>
    /// <returns>The number of samples written.</returns>
    private async ValueTask<long> WriteAsync(ReceiveContext context, bool anyKeyed)
    {
        var request = context.Request;
        var series = request.Series;
        Task<WalPosition>? seriesCommit = null;
        if (anyKeyed)
        {
            seriesCommit = ResolveKeyed(context);
        }

        long samples = 0;
        var valid = 0;
        for (var i = 0; i < series.Length; i++)
        {
            if (context.KeyStarts[i] == Rejected)
            {
                continue;
            }

            valid++;
            var seriesRef = context.Refs[i];
            foreach (ref readonly var sample in request.SamplesOf(series[i]))
            {
                context.SamplesBatch.AddSample(seriesRef, sample.TimestampMs, sample.Value);
            }

            samples += series[i].SampleCount;
        }

        var samplesCommit = context.SamplesBatch.IsEmpty ? null : _wal.CommitAsync(context.SamplesBatch);
        if (seriesCommit is not null)
        {
            await seriesCommit.ConfigureAwait(false);
        }

        if (samplesCommit is not null)
        {
            await samplesCommit.ConfigureAwait(false);
        }

        _metrics.Series.Add(valid);
        _metrics.Samples.Add(samples);
        return samples;
    }

    /// <summary>
    /// The lock orders a new series' record ahead of any sample that uses its ref, whichever
    /// request writes that sample (the WAL writes batches in commit-call order).
    /// </summary>
    private Task<WalPosition>? ResolveKeyed(ReceiveContext context)
    {
        var series = context.Request.Series;
        lock (_wal.Series)
        {
            for (var i = 0; i < series.Length; i++)
            {
                if (context.KeyStarts[i] < 0)
                {
                    continue;
                }

                var key = context.Keys.AsSpan(context.KeyStarts[i], context.KeyLengths[i]);
                if (!_wal.Series.TryGet(key, out var seriesRef))
                {
                    seriesRef = _wal.Series.Add(key);
                    context.SeriesBatch.AddSeries(seriesRef, key);
                }

                context.Refs[i] = seriesRef;
            }

            return context.SeriesBatch.IsEmpty ? null : _wal.CommitAsync(context.SeriesBatch);
        }
    }

    /// <summary>A series' labels where they lie in the request, for <see cref="SeriesTable.HashLabels"/>.</summary>
    private readonly ref struct RequestLabels(ReadOnlySpan<byte> buffer, ReadOnlySpan<LabelSlice> labels) : ILabelSpans
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private readonly ReadOnlySpan<LabelSlice> _labels = labels;

        public int Count => _labels.Length;

        public ReadOnlySpan<byte> Name(int index) => _buffer.Slice(_labels[index].NameOffset, _labels[index].NameLength);

        public ReadOnlySpan<byte> Value(int index) => _buffer.Slice(_labels[index].ValueOffset, _labels[index].ValueLength);
    }

    private static string FormatLabels(DecodedWriteRequest request, in DecodedSeries series)
    {
        var parts = new List<string>();
        foreach (ref readonly var label in request.LabelsOf(series))
        {
            parts.Add($"{Quote(request.Name(label), quoted: false)}={Quote(request.Value(label), quoted: true)}");
            if (parts.Count == 8)
            {
                parts.Add("…");
                break;
            }
        }

        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>Escapes like Go's %q, so a reason stays one line whatever the sender put in a label.</summary>
    private static string Quote(ReadOnlySpan<byte> utf8, bool quoted)
    {
        var text = System.Text.Encoding.UTF8.GetString(utf8.Length > 200 ? utf8[..200] : utf8);
        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return quoted ? "\"" + escaped + "\"" : escaped;
    }
}
