using System.Text.Unicode;

namespace Vigil.RemoteWrite.Codec;

/// <summary>Why a series was rejected. Each maps to a stable snake_case label value via <see cref="SeriesRejectReasons.ToLabelValue"/>.</summary>
internal enum SeriesRejectReason
{
    None,
    EmptyLabelName,
    DuplicateLabelName,
    EmptyLabelValue,
    MissingMetricName,
    InvalidMetricName,
    InvalidLabelName,
    InvalidUtf8,
}

internal static class SeriesRejectReasons
{
    /// <summary>Stable strings for the <c>reason</c> label of rejected-series counters; never rename them.</summary>
    public static string ToLabelValue(this SeriesRejectReason reason) => reason switch
    {
        SeriesRejectReason.None => "none",
        SeriesRejectReason.EmptyLabelName => "empty_label_name",
        SeriesRejectReason.DuplicateLabelName => "duplicate_label_name",
        SeriesRejectReason.EmptyLabelValue => "empty_label_value",
        SeriesRejectReason.MissingMetricName => "missing_metric_name",
        SeriesRejectReason.InvalidMetricName => "invalid_metric_name",
        SeriesRejectReason.InvalidLabelName => "invalid_label_name",
        SeriesRejectReason.InvalidUtf8 => "invalid_utf8",
        _ => "unknown",
    };
}

/// <summary>
/// Per-series label checks from the remote-write 1.0 spec §Labels. Sorts the series' labels by name in place
/// (ordinal byte order) first, so the host can build a canonical key and duplicates become neighbours.
/// </summary>
internal static class SeriesValidator
{
    private static ReadOnlySpan<byte> MetricNameLabel => "__name__"u8;

    /// <summary>Sorts and checks the labels of <c>request.Series[seriesIndex]</c>.</summary>
    public static SeriesRejectReason Validate(DecodedWriteRequest request, int seriesIndex)
        => Validate(request, request.Series[seriesIndex]);

    /// <summary>Sorts <paramref name="series"/>' labels in place by name, then checks them.</summary>
    public static SeriesRejectReason Validate(DecodedWriteRequest request, in DecodedSeries series)
    {
        ReadOnlySpan<byte> buf = request.Buffer.Span;
        Span<LabelSlice> labels = request.LabelsOf(series);
        SortByName(buf, labels);

        bool hasMetricName = false;
        for (int i = 0; i < labels.Length; i++)
        {
            ref readonly LabelSlice label = ref labels[i];
            ReadOnlySpan<byte> name = buf.Slice(label.NameOffset, label.NameLength);
            ReadOnlySpan<byte> value = buf.Slice(label.ValueOffset, label.ValueLength);
            if (name.IsEmpty)
            {
                return SeriesRejectReason.EmptyLabelName;
            }

            if (i > 0 && name.SequenceEqual(buf.Slice(labels[i - 1].NameOffset, labels[i - 1].NameLength)))
            {
                return SeriesRejectReason.DuplicateLabelName;
            }

            // Spec: label values MAY be any UTF-8; names are ASCII by the patterns below.
            if (!Utf8.IsValid(value))
            {
                return SeriesRejectReason.InvalidUtf8;
            }

            if (name.SequenceEqual(MetricNameLabel))
            {
                hasMetricName = true;
                if (!IsValidName(value, allowColon: true))
                {
                    // An empty __name__ is a missing name rather than a malformed one.
                    return value.IsEmpty ? SeriesRejectReason.MissingMetricName : SeriesRejectReason.InvalidMetricName;
                }

                continue;
            }

            if (!IsValidName(name, allowColon: false))
            {
                return Utf8.IsValid(name) ? SeriesRejectReason.InvalidLabelName : SeriesRejectReason.InvalidUtf8;
            }

            // Spec: an empty value is equivalent to an absent label and MUST NOT be sent.
            if (value.IsEmpty)
            {
                return SeriesRejectReason.EmptyLabelValue;
            }
        }

        return hasMetricName ? SeriesRejectReason.None : SeriesRejectReason.MissingMetricName;
    }

    /// <summary>Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* (1.0 spec §Labels).</summary>
    internal static bool IsValidName(ReadOnlySpan<byte> name, bool allowColon)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            byte b = name[i];
            bool ok = (uint)((b | 0x20) - 'a') <= 'z' - 'a'
                || b == '_'
                || (allowColon && b == ':')
                || (i > 0 && (uint)(b - '0') <= 9);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // Insertion sort: label sets are small (typically under 20) and often already sorted, making this one pass.
    private static void SortByName(ReadOnlySpan<byte> buf, Span<LabelSlice> labels)
    {
        for (int i = 1; i < labels.Length; i++)
        {
            LabelSlice current = labels[i];
            ReadOnlySpan<byte> name = buf.Slice(current.NameOffset, current.NameLength);
            int j = i - 1;
            while (j >= 0 && buf.Slice(labels[j].NameOffset, labels[j].NameLength).SequenceCompareTo(name) > 0)
            {
                labels[j + 1] = labels[j];
                j--;
            }

            labels[j + 1] = current;
        }
    }
}
