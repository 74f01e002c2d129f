namespace Vigil.Tsdb;

/// <summary>What inserting a sample into a series' out-of-order samples did.</summary>
internal enum OutOfOrderInsert
{
    Inserted,

    /// <summary>The series already holds this timestamp with these value bits: nothing to do (a harmless retry).</summary>
    AlreadyStored,

    /// <summary>The series already holds this timestamp with other value bits.</summary>
    Conflict,
}

/// <summary>
/// A series' out-of-order samples, sorted by timestamp, without repeats, as two parallel arrays (timestamps and
/// value bits). Guarded by the series lock. Readers copy the range they need.
/// </summary>
/// <remarks>
/// Prometheus keeps up to 32 out-of-order samples unencoded per series, then encodes them into an out-of-order
/// chunk that is merged with the in-order ones at read time. Here they stay unencoded (16 bytes a sample) until
/// truncation drops them: out-of-order samples are the exception, and the blocks that will absorb them are a later
/// slice of issue 5. An insert shifts the newer samples, which is cheap because late samples are usually recent.
/// </remarks>
internal sealed class OutOfOrderSamples
{
    private long[] _timestamps = new long[8];
    private ulong[] _bits = new ulong[8];
    private int _count;

    public int Count => _count;

    public ReadOnlySpan<long> Timestamps => _timestamps.AsSpan(0, _count);

    public ReadOnlySpan<ulong> ValueBits => _bits.AsSpan(0, _count);

    public OutOfOrderInsert Insert(long t, ulong bits)
    {
        int i = Timestamps.BinarySearch(t);
        if (i >= 0)
        {
            return _bits[i] == bits ? OutOfOrderInsert.AlreadyStored : OutOfOrderInsert.Conflict;
        }

        i = ~i;
        if (_count == _timestamps.Length)
        {
            Array.Resize(ref _timestamps, _count * 2);
            Array.Resize(ref _bits, _count * 2);
        }

        Array.Copy(_timestamps, i, _timestamps, i + 1, _count - i);
        Array.Copy(_bits, i, _bits, i + 1, _count - i);
        (_timestamps[i], _bits[i]) = (t, bits);
        _count++;
        return OutOfOrderInsert.Inserted;
    }

    /// <summary>The value bits stored at <paramref name="t"/>, if any.</summary>
    public bool TryGet(long t, out ulong bits)
    {
        int i = Timestamps.BinarySearch(t);
        bits = i >= 0 ? _bits[i] : 0;
        return i >= 0;
    }

    /// <summary>Drops the samples before <paramref name="mint"/>; returns how many.</summary>
    public int RemoveBefore(long mint)
    {
        int n = LowerBound(mint);
        if (n == 0)
        {
            return 0;
        }

        Array.Copy(_timestamps, n, _timestamps, 0, _count - n);
        Array.Copy(_bits, n, _bits, 0, _count - n);
        _count -= n;
        return n;
    }

    /// <summary>Index of the first sample after <paramref name="t"/>.</summary>
    public int UpperBound(long t)
    {
        int i = Timestamps.BinarySearch(t);
        return i >= 0 ? i + 1 : ~i;
    }

    /// <summary>Index of the first sample at or after <paramref name="t"/>.</summary>
    public int LowerBound(long t)
    {
        int i = Timestamps.BinarySearch(t);
        return i >= 0 ? i : ~i;
    }
}
