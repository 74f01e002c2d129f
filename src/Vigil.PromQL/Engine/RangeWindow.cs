using System.Runtime.CompilerServices;
using System.Buffers;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

/// <summary>
/// The points of one series inside a range selector's window, slid forward step by step (Prometheus's
/// <c>matrixIterSlice</c> over a <c>BufferedSeriesIterator</c>). The window is closed at both ends, [maxt − range,
/// maxt], as in Prometheus 2.42; stale markers are left out. Points already in the window are kept from one step
/// to the next, so each sample is read from storage once. The buffer is pooled and reused across series; the
/// samples it holds count against the query's sample limit.
/// </summary>
internal sealed class RangeWindow : IDisposable
{
    private readonly QueryLimits _limits;
    private FPoint[] _buffer;
    private int _head;
    private int _count;
    private ISampleIterator? _iterator;
    private FPoint[]? _points;
    private int _pointsLength;
    private int _pointsNext;
    private bool _pending;
    private bool _exhausted;
    private FPoint _next;

    public RangeWindow(QueryLimits limits)
    {
        _limits = limits;
        _buffer = ArrayPool<FPoint>.Shared.Rent(64);
    }

    public static bool IsStale(double value) => BitConverter.DoubleToInt64Bits(value) == StaleNaNBits;

    /// <summary>Prometheus's stale marker: a NaN with this exact bit pattern (model/value.StaleNaN).</summary>
    public const long StaleNaNBits = 0x7ff0000000000002;

    /// <summary>Starts over on a storage series.</summary>
    public void Reset(ISampleIterator iterator)
    {
        Clear();
        _iterator = iterator;
        _points = null;
    }

    /// <summary>Starts over on points already in memory (a subquery's result), in time order.</summary>
    public void Reset(FPoint[] points, int length)
    {
        Clear();
        _iterator = null;
        (_points, _pointsLength, _pointsNext) = (points, length, 0);
    }

    /// <summary>Moves the window to [<paramref name="mint"/>, <paramref name="maxt"/>] (both later than or equal to the previous ones).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<FPoint> Advance(long mint, long maxt)
    {
        int dropped = 0;
        while (_count > 0 && _buffer[_head].T < mint)
        {
            _head++;
            _count--;
            dropped++;
        }

        _limits.Free(dropped);
        if (_count == 0)
        {
            _head = 0;
            SkipTo(mint);
        }

        int added = 0;
        while (TryPeek(out var p) && p.T <= maxt)
        {
            _pending = false;
            if (p.T >= mint && !IsStale(p.F))
            {
                Append(p);
                added++;
            }
        }

        _limits.Take(added);
        return _buffer.AsSpan(_head, _count);
    }

    public void Dispose()
    {
        Clear();
        ArrayPool<FPoint>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Empties the window, giving its samples back to the limit (a caller that copied them counts the copy).</summary>
    public void Clear()
    {
        _limits.Free(_count);
        (_head, _count, _pending, _exhausted) = (0, 0, false, false);
    }

    /// <summary>With nothing buffered, jumps to the first sample at or after <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SkipTo(long t)
    {
        if (_pending && _next.T >= t)
        {
            return;
        }

        if (_iterator is { } it)
        {
            if (!_exhausted && it.Seek(t))
            {
                var (ts, v) = it.At();
                (_next, _pending) = (new FPoint(ts, v), true);
            }
            else
            {
                (_pending, _exhausted) = (false, true);
            }

            return;
        }

        _pending = false;
        while (_pointsNext < _pointsLength && _points![_pointsNext].T < t)
        {
            _pointsNext++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryPeek(out FPoint point)
    {
        if (!_pending && !_exhausted)
        {
            if (_iterator is { } it)
            {
                if (it.Next())
                {
                    var (t, v) = it.At();
                    (_next, _pending) = (new FPoint(t, v), true);
                }
                else
                {
                    _exhausted = true;
                }
            }
            else if (_pointsNext < _pointsLength)
            {
                (_next, _pending) = (_points![_pointsNext++], true);
            }
            else
            {
                _exhausted = true;
            }
        }

        point = _next;
        return _pending;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Append(FPoint p)
    {
        if (_head + _count == _buffer.Length)
        {
            if (_head > 0)
            {
                Array.Copy(_buffer, _head, _buffer, 0, _count);
                _head = 0;
            }
            else
            {
                var bigger = ArrayPool<FPoint>.Shared.Rent(_buffer.Length * 2);
                Array.Copy(_buffer, bigger, _count);
                ArrayPool<FPoint>.Shared.Return(_buffer);
                _buffer = bigger;
            }
        }

        _buffer[_head + _count] = p;
        _count++;
    }
}
