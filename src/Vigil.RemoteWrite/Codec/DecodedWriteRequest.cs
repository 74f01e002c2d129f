using System.Runtime.CompilerServices;

namespace Vigil.RemoteWrite.Codec;

/// <summary>One decoded series: ranges into <see cref="DecodedWriteRequest"/>'s label and sample arrays.</summary>
internal struct DecodedSeries
{
    public int LabelStart;
    public int LabelCount;
    public int SampleStart;
    public int SampleCount;
    public int HistogramCount;
    public int ExemplarCount;
}

/// <summary>A label as byte ranges into the decoded buffer; strings are never materialised on the hot path.</summary>
internal struct LabelSlice
{
    public int NameOffset;
    public int NameLength;
    public int ValueOffset;
    public int ValueLength;
}

internal struct DecodedSample
{
    public long TimestampMs;
    public double Value;
}

/// <summary>
/// Reusable per-request decode context (CONVENTIONS.md, "Pool per request"): struct-of-arrays that keep their
/// capacity across requests, so a steady stream of similar requests decodes without allocating. The caller owns
/// <see cref="Buffer"/>; slices stay valid only until <see cref="Reset"/> or the next decode, and the caller must
/// not reuse the buffer while the context still points into it.
/// </summary>
internal sealed class DecodedWriteRequest
{
    private DecodedSeries[] _series = new DecodedSeries[16];
    private LabelSlice[] _labels = new LabelSlice[128];
    private DecodedSample[] _samples = new DecodedSample[64];
    // v2 symbol table as (offset, length) pairs; reuses LabelSlice's name fields.
    private LabelSlice[] _symbols = new LabelSlice[64];

    /// <summary>The decompressed protobuf the slices point into.</summary>
    public ReadOnlyMemory<byte> Buffer { get; private set; }

    public int SeriesCount { get; private set; }

    public int LabelCount { get; private set; }

    public int SampleCount { get; private set; }

    public int HistogramCount { get; private set; }

    public int ExemplarCount { get; private set; }

    internal int SymbolCount { get; private set; }

    public ReadOnlySpan<DecodedSeries> Series => _series.AsSpan(0, SeriesCount);

    /// <summary>All labels; mutable so <see cref="SeriesValidator"/> can sort each series' labels in place.</summary>
    public Span<LabelSlice> Labels => _labels.AsSpan(0, LabelCount);

    public ReadOnlySpan<DecodedSample> Samples => _samples.AsSpan(0, SampleCount);

    public Span<LabelSlice> LabelsOf(in DecodedSeries series) => _labels.AsSpan(series.LabelStart, series.LabelCount);

    public ReadOnlySpan<DecodedSample> SamplesOf(in DecodedSeries series)
        => _samples.AsSpan(series.SampleStart, series.SampleCount);

    public ReadOnlySpan<byte> Name(in LabelSlice label) => Buffer.Span.Slice(label.NameOffset, label.NameLength);

    public ReadOnlySpan<byte> Value(in LabelSlice label) => Buffer.Span.Slice(label.ValueOffset, label.ValueLength);

    /// <summary>Drops all content and the buffer reference; keeps array capacity for the next request.</summary>
    public void Reset()
    {
        Buffer = ReadOnlyMemory<byte>.Empty;
        SeriesCount = 0;
        LabelCount = 0;
        SampleCount = 0;
        HistogramCount = 0;
        ExemplarCount = 0;
        SymbolCount = 0;
    }

    internal void Begin(ReadOnlyMemory<byte> buffer)
    {
        Reset();
        Buffer = buffer;
    }

    internal void AddSeries(in DecodedSeries series)
    {
        if (SeriesCount == _series.Length)
        {
            Grow(ref _series);
        }

        _series[SeriesCount++] = series;
        HistogramCount += series.HistogramCount;
        ExemplarCount += series.ExemplarCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddLabel(int nameOffset, int nameLength, int valueOffset, int valueLength)
    {
        if (LabelCount == _labels.Length)
        {
            Grow(ref _labels);
        }

        ref LabelSlice l = ref _labels[LabelCount++];
        l.NameOffset = nameOffset;
        l.NameLength = nameLength;
        l.ValueOffset = valueOffset;
        l.ValueLength = valueLength;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddSample(long timestampMs, double value)
    {
        if (SampleCount == _samples.Length)
        {
            Grow(ref _samples);
        }

        ref DecodedSample s = ref _samples[SampleCount++];
        s.TimestampMs = timestampMs;
        s.Value = value;
    }

    internal void AddSymbol(int offset, int length)
    {
        if (SymbolCount == _symbols.Length)
        {
            Grow(ref _symbols);
        }

        ref LabelSlice s = ref _symbols[SymbolCount++];
        s.NameOffset = offset;
        s.NameLength = length;
    }

    internal ref readonly LabelSlice Symbol(int index) => ref _symbols[index];

    // Keep-and-grow rather than ArrayPool: the context lives as long as its handler, so capacity converges on the
    // largest recent request and is never returned.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Grow<T>(ref T[] array) => Array.Resize(ref array, array.Length * 2);
}
