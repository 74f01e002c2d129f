using System.Buffers.Text;
using System.Text;
using Vigil.Scrape.Parsing;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>
/// Adds kafka_exporter-style series to a round's <see cref="CollectionRows.Samples"/>: the labels of one sample are
/// written as UTF-8 into a reused buffer and handed to the monitor's <see cref="MonitorSeriesCache"/> as
/// <see cref="ExpositionLabels"/>, exactly as a scraped line would be. So a steady monitor allocates nothing per
/// sample, its series carry the monitor's labels, and a topic or group that goes away is marked stale (the scrape
/// loop's rules) instead of lingering. One round at a time; label order is fixed by the caller, which keeps each
/// series' cache key stable.
/// </summary>
internal sealed class KafkaSampleBuilder
{
    private readonly ExpositionScratch _scratch = new();
    private byte[] _body = new byte[512];
    private int _length;
    private CollectContext? _context;

    /// <summary>Series added this round (duplicates not counted).</summary>
    public int Added { get; private set; }

    public void BeginRound(CollectContext context)
    {
        _context = context;
        Added = 0;
    }

    /// <summary>Starts a sample's label set.</summary>
    public KafkaSampleBuilder Labels()
    {
        _scratch.BeginLine();
        _length = 0;
        return this;
    }

    public KafkaSampleBuilder Label(ReadOnlySpan<byte> name, string value)
    {
        ref var slot = ref StartLabel(name, Encoding.UTF8.GetMaxByteCount(value.Length));
        slot.ValueLength = Encoding.UTF8.GetBytes(value, _body.AsSpan(_length));
        _length += slot.ValueLength;
        return this;
    }

    public KafkaSampleBuilder Label(ReadOnlySpan<byte> name, long value)
    {
        ref var slot = ref StartLabel(name, 20);
        Utf8Formatter.TryFormat(value, _body.AsSpan(_length), out var written);
        slot.ValueLength = written;
        _length += written;
        return this;
    }

    /// <summary>Adds the sample of <paramref name="metric"/> with the labels given since <see cref="Labels"/>.</summary>
    public void Add(ReadOnlySpan<byte> metric, double value)
    {
        var context = _context ?? throw new InvalidOperationException("BeginRound first");
        var labels = new ExpositionLabels(_body.AsSpan(0, _length), _scratch, 0, _scratch.LabelCount);
        if (context.Series.Resolve(metric, labels) is { } series)
        {
            context.Rows.Samples.Add(series, null, value);
            Added++;
        }
    }

    private ref LabelSlot StartLabel(ReadOnlySpan<byte> name, int maxValueLength)
    {
        Ensure(name.Length + maxValueLength);
        ref var slot = ref _scratch.AddLabel();
        slot.NameStart = _length;
        slot.NameLength = name.Length;
        name.CopyTo(_body.AsSpan(_length));
        _length += name.Length;
        slot.ValueStart = _length;
        slot.ValueInScratch = false;
        return ref slot;
    }

    // Slots hold offsets, so growing the buffer keeps the labels already written valid.
    private void Ensure(int more)
    {
        if (_length + more > _body.Length)
        {
            Array.Resize(ref _body, Math.Max(_length + more, _body.Length * 2));
        }
    }
}
