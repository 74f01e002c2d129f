using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests.Engine;

/// <summary>A head filled with generated series, and wrappers that count or break what the engine asks of storage.</summary>
internal static class EngineTestStorage
{
    /// <summary><paramref name="series"/> counters <c>x{i="N", job="jK"}</c> with a sample every 15 s for <paramref name="minutes"/>.</summary>
    public static Head Counters(int series, int minutes, int jobs = 10)
    {
        var head = new Head();
        var appender = head.Appender();
        for (int s = 0; s < series; s++)
        {
            var labels = Labels.FromPairs(("__name__", "x"), ("i", s.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("job", "j" + (s % jobs)));
            var seriesRef = SeriesRef.None;
            for (long t = 0; t <= minutes * 60_000L; t += 15_000)
            {
                seriesRef = appender.Append(seriesRef, labels, t, t / 1000.0 * (1 + (s % 3))).ThrowIfFailed();
            }
        }

        appender.CommitAsync().GetAwaiter().GetResult();
        return head;
    }
}

/// <summary>Passes through to a storage, counting iterators handed back for reuse; or throws from Select.</summary>
internal sealed class ProbingStorage(IQueryableStorage inner, Exception? failSelect = null) : IQueryableStorage
{
    public Exception? FailSelect { get; } = failSelect;

    public int Iterators { get; private set; }

    public int Reused { get; private set; }

    public int Selects { get; private set; }

    public IQuerier Querier() => new ProbingQuerier(this, inner.Querier());

    private sealed class ProbingQuerier(ProbingStorage owner, IQuerier inner) : IQuerier
    {
        public ISeriesSet Select(long mint, long maxt, SelectHints? hints, params ReadOnlySpan<LabelMatcher> matchers)
        {
            owner.Selects++;
            if (owner.FailSelect is not null)
            {
                throw owner.FailSelect;
            }

            return new ProbingSet(owner, inner.Select(mint, maxt, hints, matchers));
        }

        public IReadOnlyList<string> LabelNames(params ReadOnlySpan<LabelMatcher> matchers) => inner.LabelNames(matchers);

        public IReadOnlyList<string> LabelValues(string name, params ReadOnlySpan<LabelMatcher> matchers) => inner.LabelValues(name, matchers);

        public void Dispose() => inner.Dispose();
    }

    private sealed class ProbingSet(ProbingStorage owner, ISeriesSet inner) : ISeriesSet, ISeries
    {
        public ISeries Current => this;

        public IReadOnlyList<string> Warnings => ["probe warning"];

        public Labels Labels => inner.Current.Labels;

        public bool MoveNext() => inner.MoveNext();

        public ISampleIterator Iterator(ISampleIterator? reuse = null)
        {
            owner.Iterators++;
            owner.Reused += reuse is null ? 0 : 1;
            return inner.Current.Iterator(reuse);
        }

        public void Dispose() => inner.Dispose();
    }
}
