namespace Vigil.Common.Metrics;

/// <summary>A monotonically increasing value. Lock-free; safe from any thread.</summary>
internal sealed class Counter : MetricChild
{
    private long _bits;
    private Func<double>? _source;

    internal Counter(string[] labelValues)
        : base(labelValues)
    {
    }

    public double Value => _source?.Invoke() ?? BitConverter.Int64BitsToDouble(Volatile.Read(ref _bits));

    /// <summary>Reads the value from <paramref name="source"/> at exposition time: a count some component keeps itself, which must only grow.</summary>
    public void SetSource(Func<double> source) => _source = source;

    public void Inc() => Add(1);

    public void Add(double amount)
    {
        if (!(amount >= 0))
        {
            // A counter that goes down breaks rate(); treat it as the caller's bug, loudly.
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "a counter cannot decrease");
        }

        AtomicDouble.Add(ref _bits, amount);
    }

    internal override void WriteTo(ExpositionWriter writer, MetricFamily family)
        => writer.WriteSample(family.Name, ReadOnlySpan<byte>.Empty, family.LabelNames, LabelValues, null, null, Value);
}
