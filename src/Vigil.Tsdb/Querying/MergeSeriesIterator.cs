using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// Merges the sample iterators of one series from several sources in time order, one sample per timestamp
/// (Prometheus's <c>chainSampleIterator</c>). Of sources at the same timestamp, the first in order wins and the
/// others are skipped past it. Allocates nothing per sample; reused, it also reuses its sources' iterators.
/// </summary>
internal sealed class MergeSeriesIterator : ISampleIterator
{
    private ISampleIterator?[] _sources = [];
    private bool[] _has = [];
    private long[] _ts = [];
    private double[] _vs = [];
    private int _count;
    private bool _started;
    private bool _exhausted;
    private long _t;
    private double _v;

    public void Reset(ISeries[] parts)
    {
        if (_sources.Length < parts.Length)
        {
            Array.Resize(ref _sources, parts.Length);
            (_has, _ts, _vs) = (new bool[parts.Length], new long[parts.Length], new double[parts.Length]);
        }

        _count = parts.Length;
        for (int i = 0; i < parts.Length; i++)
        {
            _sources[i] = parts[i].Iterator(_sources[i]);
        }

        (_started, _exhausted) = (false, false);
    }

    public bool Next()
    {
        if (_exhausted)
        {
            return false;
        }

        for (int i = 0; i < _count; i++)
        {
            // The first call starts every source; later ones move those at the current timestamp, duplicates too.
            if (!_started || (_has[i] && _ts[i] == _t))
            {
                Load(i, _sources[i]!.Next());
            }
        }

        _started = true;
        return Pick();
    }

    public bool Seek(long t)
    {
        if (_exhausted)
        {
            return false;
        }

        if (_started && _t >= t)
        {
            return true;
        }

        for (int i = 0; i < _count; i++)
        {
            if (!_started || (_has[i] && _ts[i] < t))
            {
                Load(i, _sources[i]!.Seek(t));
            }
        }

        _started = true;
        return Pick();
    }

    public (long Timestamp, double Value) At() => (_t, _v);

    private void Load(int i, bool has)
    {
        _has[i] = has;
        if (has)
        {
            (_ts[i], _vs[i]) = _sources[i]!.At();
        }
    }

    private bool Pick()
    {
        int best = -1;
        for (int i = 0; i < _count; i++)
        {
            if (_has[i] && (best < 0 || _ts[i] < _ts[best]))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            _exhausted = true;
            return false;
        }

        (_t, _v) = (_ts[best], _vs[best]);
        return true;
    }
}
