using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Feed;

/// <summary>
/// Where feeding one instance's WAL into the head got to. The process keeps it across that instance's runs, so a
/// restarted run continues instead of re-reading the whole WAL, and WAL series refs keep their head series.
/// </summary>
internal sealed class FeedState
{
    public FeedState(string walDirectory)
    {
        WalDirectory = walDirectory;
    }

    public string WalDirectory { get; }

    /// <summary>Null until a feeder has read anything: the next one then reads from the start (checkpoint first).</summary>
    public WalPosition? Position { get; set; }

    /// <summary>
    /// WAL series ref → head series and its labels, for every series record read so far. The labels are the pairs
    /// the head keeps too; they let the feeder find the series again after the head forgot an idle one.
    /// </summary>
    public WalRefMap Refs { get; } = new();

    /// <summary>
    /// Newest sample time per WAL segment read, for segments that may still hold samples not yet in a block; the
    /// feeder's <see cref="WalFeeder.NeededFrom"/> comes from it. Locked by itself (retention reads it).
    /// </summary>
    public SortedDictionary<int, long> SegmentMaxTime { get; } = [];
}

/// <summary>What a feeder counted; read from any thread.</summary>
internal sealed class FeedCounters
{
    private readonly long[] _refused = new long[Enum.GetValues<AppendError>().Length];
    private long _samples;
    private long _unknownSeries;
    private long _corruptRecords;
    private long _alreadyPersisted;

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Samples the head refused, all reasons.</summary>
    public long Refused
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _refused.Length; i++)
            {
                sum += Interlocked.Read(ref _refused[i]);
            }

            return sum;
        }
    }

    public long RefusedFor(AppendError error) => Interlocked.Read(ref _refused[(int)error]);

    public long UnknownSeries => Interlocked.Read(ref _unknownSeries);

    public long CorruptRecords => Interlocked.Read(ref _corruptRecords);

    /// <summary>Samples skipped because a block already holds their time (a replay after a restart).</summary>
    public long AlreadyPersisted => Interlocked.Read(ref _alreadyPersisted);

    internal void AddAlreadyPersisted(long count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _alreadyPersisted, count);
        }
    }

    internal void AddSamples(long count) => Interlocked.Add(ref _samples, count);

    internal void AddRefused(AppendError error) => Interlocked.Increment(ref _refused[(int)error]);

    internal void AddUnknown(long count) => Interlocked.Add(ref _unknownSeries, count);

    internal void AddCorrupt() => Interlocked.Increment(ref _corruptRecords);
}

/// <summary>
/// Tails one instance WAL into the head (issue 5: "filled by tailing the instance WALs and rebuilt from them on
/// start-up, so there is no second WAL"): series records become head series, sample records become appends. It
/// belongs to the instance run (built with it, disposed with it) and is one of its WAL's consumers. A sample the
/// head refuses (out of order, duplicate with another value) is counted, never retried: the WAL is already the
/// record of what was accepted.
/// </summary>
internal sealed class WalFeeder : IWalConsumer, IAsyncDisposable
{
    private readonly FeedState _state;
    private readonly ISampleSink _sink;
    private readonly Action<string> _warn;
    private readonly TimeSpan _pollInterval;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<long> _persistedBefore;
    private Task? _run;

    /// <param name="persistedBefore">Samples before this time are safe in blocks; default: none are (long.MinValue).</param>
    public WalFeeder(FeedState state, ISampleSink sink, Action<string> warn, TimeSpan? pollInterval = null, Func<long>? persistedBefore = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(warn);
        _state = state;
        _sink = sink;
        _warn = warn;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(100);
        _persistedBefore = persistedBefore ?? (static () => long.MinValue);
    }

    public string Name => "tsdb";

    /// <summary>
    /// The first segment holding a sample not yet in a block: the head is rebuilt from the WAL at start-up, so
    /// everything newer than the blocks must stay. Segments this feeder has not read yet are needed too.
    /// </summary>
    public WalPosition NeededFrom
    {
        get
        {
            long persisted = _persistedBefore();
            lock (_state.SegmentMaxTime)
            {
                foreach (var (segment, maxTime) in _state.SegmentMaxTime)
                {
                    if (maxTime >= persisted)
                    {
                        return new WalPosition(segment, 0);
                    }
                }
            }

            return _state.Position ?? default;
        }
    }

    public FeedCounters Counters { get; } = new();

    /// <summary>Completes when the feeder first reaches the end of the WAL (start-up replay done).</summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>The head already holds what is about to be deleted; only a restart would miss it.</summary>
    public Task DiscardBeforeAsync(WalPosition before, string reason)
    {
        _warn($"tsdb: WAL data before {before} is being truncated ({reason}); it stays in memory but will not survive a restart");
        return Task.CompletedTask;
    }

    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("the WAL feeder was already started");
        }

        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            using var reader = _state.Position is { } from ? WalReader.Open(_state.WalDirectory, from) : WalReader.OpenFromStart(_state.WalDirectory);
            while (!stop.IsCancellationRequested)
            {
                // Bounded batches, so stopping never waits for a whole replay.
                int read = ReadSome(reader, maxRecords: 4096);
                _state.Position = reader.Position;
                if (read == 0)
                {
                    _caughtUp.TrySetResult();
                    await Task.Delay(_pollInterval, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped with the instance run, which wrote its last records (scrape stale markers) before stopping us:
            // take them too, so a removed instance's series end in the head. The state says where a next run goes on.
            Drain();
        }
#pragma warning disable CA1031 // A broken WAL stops feeding this instance, reported; the process and the other instances go on.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            _warn("tsdb: feeding from the WAL stopped: " + ex.Message);
            _caughtUp.TrySetException(ex);
        }
    }

    private void Drain()
    {
        try
        {
            using var reader = _state.Position is { } from ? WalReader.Open(_state.WalDirectory, from) : WalReader.OpenFromStart(_state.WalDirectory);
            while (ReadSome(reader, maxRecords: 4096) > 0)
            {
                _state.Position = reader.Position;
            }
        }
#pragma warning disable CA1031 // Stopping must finish; what could not be read stays in the WAL for the next run.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            _warn("tsdb: reading the WAL's last records at stop failed: " + ex.Message);
        }
    }

    private void NoteSegment(int segment, long maxTime, long persisted)
    {
        lock (_state.SegmentMaxTime)
        {
            var tracked = _state.SegmentMaxTime;
            tracked[segment] = Math.Max(tracked.GetValueOrDefault(segment, long.MinValue), maxTime);

            // Segments whose samples are all in blocks are no longer tracked.
            while (tracked.Count > 0 && tracked.First() is var (oldest, oldestMax) && oldestMax < persisted && oldest < segment)
            {
                tracked.Remove(oldest);
            }
        }
    }

    private int ReadSome(WalReader reader, int maxRecords)
    {
        int read = 0;
        while (read < maxRecords && reader.TryReadNext(out WalRecord record))
        {
            read++;
            switch (record.Type)
            {
                case WalRecordType.Series:
                    foreach (WalSeriesEntry series in WalRecordDecoder.EnumerateSeries(record.Payload))
                    {
                        var seriesRef = _sink.GetOrCreate(Labels.FromCanonical(series.Labels), out var interned);
                        _state.Refs.Set(series.Ref, seriesRef, interned);
                    }

                    break;
                case WalRecordType.Samples:
                    AppendSamples(record.Payload, record.Start.Segment);
                    break;
                case WalRecordType.Corrupt:
                    Counters.AddCorrupt();
                    _warn($"tsdb: skipped a corrupt WAL record at {record.Start}: {record.CorruptionReason}");
                    break;
            }
        }

        return read;
    }

    private void AppendSamples(ReadOnlySpan<byte> payload, int segment)
    {
        long stored = 0, unknown = 0, persisted = 0, maxTime = long.MinValue;
        long persistedBefore = _persistedBefore();
        foreach (WalSample sample in WalRecordDecoder.EnumerateSamples(payload))
        {
            maxTime = Math.Max(maxTime, sample.TimestampMs);
            if (sample.TimestampMs < persistedBefore)
            {
                // A replay after a restart re-reads segments whose samples blocks already hold: not a refusal.
                persisted++;
                continue;
            }

            if (!_state.Refs.TryGet(sample.Ref, out SeriesRef seriesRef, out InternedLabels labels))
            {
                // A series record always precedes its samples; only a truncated checkpoint could lose one.
                unknown++;
                continue;
            }

            AppendError error;
            try
            {
                error = _sink.Append(seriesRef, sample.TimestampMs, sample.Value);
            }
            catch (UnknownSeriesException)
            {
                // The head forgot the series while it was idle (truncation); it comes back under a new ref.
                seriesRef = _sink.GetOrCreate(labels.ToLabels(), out var interned);
                _state.Refs.Set(sample.Ref, seriesRef, interned);
                error = _sink.Append(seriesRef, sample.TimestampMs, sample.Value);
            }

            if (error == AppendError.None)
            {
                stored++;
            }
            else
            {
                Counters.AddRefused(error);
            }
        }

        Counters.AddSamples(stored);
        Counters.AddAlreadyPersisted(persisted);
        NoteSegment(segment, maxTime, persistedBefore);
        if (unknown > 0)
        {
            Counters.AddUnknown(unknown);
        }
    }
}
