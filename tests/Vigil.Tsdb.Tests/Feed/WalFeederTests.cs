using Vigil.Tsdb.Index;
using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Tests.Feed;

/// <summary>Issue 5: the head is filled by tailing the instance WAL and rebuilt from it on start-up.</summary>
public sealed class WalFeederTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-feeder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_new_feeder_replays_the_whole_wal_then_follows_new_records()
    {
        await using (var wal = OpenWal())
        {
            await WriteAsync(wal, "a", (1000, 1), (2000, 2));
            await WriteAsync(wal, "b", (1000, 10));
        }

        await using var live = OpenWal();
        var sink = new RecordingSink();
        await using var feeder = new WalFeeder(new FeedState(_dir), sink, _ => { }, TimeSpan.FromMilliseconds(10));
        feeder.Start();
        await feeder.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["a@1000=1", "a@2000=2", "b@1000=10"], sink.Appended());

        await WriteAsync(live, "a", (3000, 3));
        await WaitUntilAsync(() => sink.Appended().Count == 4);
        Assert.Equal("a@3000=3", sink.Appended()[^1]);
        Assert.Equal(4, feeder.Counters.Samples);
    }

    [Fact]
    public async Task A_restarted_run_continues_where_the_last_feeder_stopped()
    {
        var state = new FeedState(_dir);
        var sink = new RecordingSink();
        await using (var wal = OpenWal())
        {
            await WriteAsync(wal, "a", (1000, 1));
            await using (var first = new WalFeeder(state, sink, _ => { }, TimeSpan.FromMilliseconds(10)))
            {
                first.Start();
                await first.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));
            }

            // Written while no feeder runs (between two runs of the instance), with a known series.
            await WriteAsync(wal, "a", (2000, 2));
        }

        await using var reopened = OpenWal();
        await using var second = new WalFeeder(state, sink, _ => { }, TimeSpan.FromMilliseconds(10));
        second.Start();
        await second.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a@1000=1", "a@2000=2"], sink.Appended());
        Assert.Equal(1, sink.Created);
    }

    [Fact]
    public async Task Stopping_takes_the_records_written_just_before_it()
    {
        await using var wal = OpenWal();
        await WriteAsync(wal, "a", (1000, 1));
        var sink = new RecordingSink();
        var feeder = new WalFeeder(new FeedState(_dir), sink, _ => { }, TimeSpan.FromHours(1));
        feeder.Start();
        await feeder.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));

        // The run's last act (stale markers) lands while the feeder sleeps for an hour.
        await WriteAsync(wal, "a", (2000, 2));
        await feeder.DisposeAsync();

        Assert.Equal(["a@1000=1", "a@2000=2"], sink.Appended());
    }

    [Fact]
    public async Task Samples_blocks_already_hold_are_skipped_on_replay_and_counted_apart()
    {
        await using (var wal = OpenWal())
        {
            await WriteAsync(wal, "a", (1000, 1), (2000, 2), (3000, 3));
        }

        var sink = new RecordingSink();
        await using var feeder = new WalFeeder(new FeedState(_dir), sink, _ => { }, TimeSpan.FromMilliseconds(10), persistedBefore: () => 2000);
        feeder.Start();
        await feeder.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a@2000=2", "a@3000=3"], sink.Appended());
        Assert.Equal(1, feeder.Counters.AlreadyPersisted);
        Assert.Equal(0, feeder.Counters.Refused);
    }

    [Fact]
    public async Task Refused_samples_are_counted_by_reason_and_feeding_goes_on()
    {
        await using (var wal = OpenWal())
        {
            await WriteAsync(wal, "a", (2000, 1), (1000, 1), (3000, 1));
        }

        var sink = new RecordingSink { Refuse = (t, _) => t == 1000 ? AppendError.OutOfOrder : AppendError.None };
        await using var feeder = new WalFeeder(new FeedState(_dir), sink, _ => { }, TimeSpan.FromMilliseconds(10));
        feeder.Start();
        await feeder.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a@2000=1", "a@3000=1"], sink.Appended());
        Assert.Equal(1, feeder.Counters.RefusedFor(AppendError.OutOfOrder));
        Assert.Equal(1, feeder.Counters.Refused);
        Assert.Equal(2, feeder.Counters.Samples);
    }

    [Fact]
    public async Task Series_kept_in_a_checkpoint_still_resolve_their_samples()
    {
        await using (var wal = OpenWal())
        {
            await WriteAsync(wal, "a", (1000, 1));
            wal.CutSegment();
            await WriteSamplesAsync(wal, "a", (2000, 2));
            await wal.TruncateBeforeAsync(wal.CurrentSegment);
        }

        var sink = new RecordingSink();
        await using var feeder = new WalFeeder(new FeedState(_dir), sink, _ => { }, TimeSpan.FromMilliseconds(10));
        feeder.Start();
        await feeder.CaughtUp.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("a@2000=2", sink.Appended());
        Assert.Equal(0, feeder.Counters.UnknownSeries);
    }

    private Vigil.Wal.Wal OpenWal() => Vigil.Wal.Wal.Open(_dir, new WalOptions());

    private static async Task WriteAsync(Vigil.Wal.Wal wal, string name, params (long T, double V)[] samples)
    {
        var batch = new WalBatch();
        byte[] key = CanonicalLabels.Encode(("__name__", name));
        lock (wal.Series)
        {
            if (!wal.Series.TryGet(key, out ulong existing))
            {
                existing = wal.Series.Add(key);
                batch.AddSeries(existing, key);
            }
        }

        if (!batch.IsEmpty)
        {
            await wal.CommitAsync(batch);
        }

        await WriteSamplesAsync(wal, name, samples);
    }

    private static async Task WriteSamplesAsync(Vigil.Wal.Wal wal, string name, params (long T, double V)[] samples)
    {
        Assert.True(wal.Series.TryGet(CanonicalLabels.Encode(("__name__", name)), out ulong seriesRef));
        var batch = new WalBatch();
        foreach (var (t, v) in samples)
        {
            batch.AddSample(seriesRef, t, v);
        }

        await wal.CommitAsync(batch);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    /// <summary>A sink that records appends as <c>name@t=v</c>.</summary>
    private sealed class RecordingSink : ISampleSink
    {
        private readonly Lock _gate = new();
        private readonly List<Labels> _series = [];
        private readonly List<string> _appended = [];

        public Func<long, double, AppendError> Refuse { get; init; } = (_, _) => AppendError.None;

        public int Created
        {
            get
            {
                lock (_gate)
                {
                    return _series.Count;
                }
            }
        }

        public SeriesRef GetOrCreate(Labels labels, out InternedLabels interned)
        {
            interned = InternedLabels.Uninterned(labels);
            lock (_gate)
            {
                int index = _series.FindIndex(l => l.Equals(labels));
                if (index < 0)
                {
                    _series.Add(labels);
                    index = _series.Count - 1;
                }

                return new SeriesRef((ulong)index + 1);
            }
        }

        public AppendError Append(SeriesRef series, long timestampMs, double value)
        {
            var error = Refuse(timestampMs, value);
            if (error == AppendError.None)
            {
                lock (_gate)
                {
                    _appended.Add(FormattableString.Invariant($"{_series[(int)series.Value - 1].Get("__name__")}@{timestampMs}={value}"));
                }
            }

            return error;
        }

        public List<string> Appended()
        {
            lock (_gate)
            {
                return [.. _appended];
            }
        }
    }
}
