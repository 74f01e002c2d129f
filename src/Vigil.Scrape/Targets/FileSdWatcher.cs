using Vigil.Common.Metrics;
using Vigil.Scrape.Config;

namespace Vigil.Scrape.Targets;

/// <summary>
/// One <c>file_sd_configs</c> entry, kept current (Prometheus's discovery/file): the files are read at construction,
/// then again whenever a watched directory changes and every <c>refresh_interval</c>. A file that cannot be read or
/// parsed keeps the groups it had, and a file that is gone loses them. Each time the groups change,
/// <c>onChange</c> runs (never concurrently with itself). Owned by one scrape pool and disposed with it.
/// </summary>
internal sealed class FileSdWatcher : IAsyncDisposable
{
    // Editors and config management write a file in several steps; one read after they settle is enough.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private readonly FileSdConfig _config;
    private readonly Func<CancellationToken, Task> _onChange;
    private readonly Action<string> _warn;
    private readonly Counter? _readErrors;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, IReadOnlyList<TargetGroup>> _byFile = new(StringComparer.Ordinal);
    private Task? _loop;
    private volatile IReadOnlyList<TargetGroup> _groups = [];

    /// <param name="config">The file_sd_config entry.</param>
    /// <param name="onChange">
    /// Called after <see cref="Groups"/> changed, with a token that fires when the watcher is disposed (so a caller
    /// disposing it while holding a lock the callback waits for does not deadlock); failures go to <paramref name="warn"/>.
    /// </param>
    /// <param name="warn">Receives one line per unusable file and per watch that could not be set up.</param>
    /// <param name="readErrors">Counts files that could not be read or parsed; optional.</param>
    public FileSdWatcher(FileSdConfig config, Func<CancellationToken, Task> onChange, Action<string> warn, Counter? readErrors = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(onChange);
        ArgumentNullException.ThrowIfNull(warn);
        _config = config;
        _onChange = onChange;
        _warn = warn;
        _readErrors = readErrors;
        Refresh();
    }

    /// <summary>The groups of every matched file, by file name then position; replaced, never mutated.</summary>
    public IReadOnlyList<TargetGroup> Groups => _groups;

    /// <summary>Starts watching. Until then (and after disposal) <see cref="Groups"/> stays as read at construction.</summary>
    public void Start()
    {
        foreach (var directory in _config.Files.Select(WatchedDirectory).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Deleted += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Error += (_, _) => Poke();
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
#pragma warning disable CA1031 // A missing directory or an exhausted inotify limit leaves refresh_interval polling; it must not stop the job.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                _warn($"file_sd: cannot watch {directory} ({ex.Message}); re-reading every {PromDurationText(_config.RefreshInterval)} only");
            }
        }

        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watcher in _watchers)
        {
            watcher.EnableRaisingEvents = false;
            watcher.Dispose();
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        _signal.Dispose();
    }

    /// <summary>Re-reads every file now; true when the groups changed.</summary>
    internal bool Refresh()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool changed = false;
        foreach (var path in _config.Files.SelectMany(FileSdReader.Expand).Distinct(StringComparer.Ordinal))
        {
            seen.Add(path);
            var result = FileSdReader.Read(path);
            if (result.Error is not null)
            {
                // Prometheus keeps a broken file's last good targets rather than dropping them on a half-written edit.
                _warn("file_sd: " + result.Error);
                _readErrors?.Inc();
                continue;
            }

            if (!_byFile.TryGetValue(path, out var previous) || !SameGroups(previous, result.Groups))
            {
                _byFile[path] = result.Groups;
                changed = true;
            }
        }

        foreach (var gone in _byFile.Keys.Where(p => !seen.Contains(p)).ToList())
        {
            _byFile.Remove(gone);
            changed = true;
        }

        if (changed)
        {
            _groups = [.. _byFile.OrderBy(f => f.Key, StringComparer.Ordinal).SelectMany(f => f.Value)];
        }

        return changed;
    }

    private static bool SameGroups(IReadOnlyList<TargetGroup> a, IReadOnlyList<TargetGroup> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i].Source, b[i].Source, StringComparison.Ordinal)
                || !SameLabels(a[i].Labels, b[i].Labels)
                || a[i].Targets.Count != b[i].Targets.Count
                || !a[i].Targets.Zip(b[i].Targets).All(t => SameLabels(t.First, t.Second)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(l => b.TryGetValue(l.Key, out var v) && string.Equals(v, l.Value, StringComparison.Ordinal));

    private static string WatchedDirectory(string pattern)
    {
        var directory = Path.GetDirectoryName(pattern);
        return string.IsNullOrEmpty(directory) ? "." : directory;
    }

    private static string PromDurationText(TimeSpan value) => Vigil.Common.Config.PromDuration.Format(value);

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        var name = e.Name ?? "";
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || e is RenamedEventArgs)
        {
            Poke();
        }
    }

    private void Poke()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or disposed while a late event arrived: nothing to do.
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_config.RefreshInterval, stopping).ConfigureAwait(false);
                await Task.Delay(Settle, stopping).ConfigureAwait(false);
                if (Refresh())
                {
                    await _onChange(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failing update is reported; the watch goes on with the next change.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                _warn("file_sd: applying changed targets failed: " + ex.Message);
            }
        }
    }
}
