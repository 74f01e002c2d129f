using System.Globalization;
using System.Reflection;
using Vigil.Benchmarks.ServeTargets;
using Vigil.Instances;
using Vigil.Scrape.Config;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Benchmarks.Scrape;

/// <summary>
/// <c>Vigil.Benchmarks scrape-memory [--targets N] [--series N]</c>: what Vigil's scrape path keeps per series once
/// every target has been scraped, stage by stage, in-process and without HTTP. Each stage builds what a scrape loop
/// holds for all targets (serve-targets' pages) and reports the managed heap it added after a full GC. It explains
/// the RSS bench/compare/scrape-scale.sh prints; the live process adds the runtime, Kestrel and GC headroom.
/// </summary>
internal static class ScrapeMemoryCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int targets = 1000, series = 1000;
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--targets": targets = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--series": series = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default:
                    await Console.Error.WriteLineAsync("usage: Vigil.Benchmarks scrape-memory [--targets N] [--series N]").ConfigureAwait(false);
                    return 2;
            }
        }

        var layout = NodePageLayout.Create(series);
        byte[][] pages = [.. Enumerable.Range(0, targets).Select(t => TargetPages.RenderText(layout, t, 0))];
        var report = new StageReport((long)targets * (series + 5));
        report.Start();

        // Stage 1: what ScrapeLoop's constructor builds (cache, parser scratch, report series), then one scrape's worth
        // of Resolve for every sample: the relabel cache in its steady state.
        var loops = new LoopState[targets];
        for (int t = 0; t < targets; t++)
        {
            string instance = "t" + (t + 1).ToString("0000", CultureInfo.InvariantCulture);
            (string Name, string Value)[] labels = [("instance", instance), ("job", "node")];
            var info = new ScrapeTargetInfo(new Uri("http://127.0.0.1:9100/metrics?target=" + instance), labels, "node", instance, (ulong)t);
            loops[t] = new LoopState(info, series + 5, new ScrapeSeriesCache(info, honorLabels: false, metricRelabel: [], ScrapeLabelLimits.From(ScrapeConfig.Default)));
        }

        report.Stage("scrape loops before the first scrape (cache, parser scratch; probe's lists)");
        long rawKeyBytes = 0;
        for (int t = 0; t < targets; t++)
        {
            rawKeyBytes += loops[t].Resolve(pages[t]);
        }

        report.Stage("ScrapeSeriesCache after one scrape: raw keys, entries, labels, canonical keys");
        PrintCacheBreakdown(loops, rawKeyBytes, report.Series);

        // Stage 2: staleness lists (ScrapeLoop._previous/_current hold every series of the last scrape).
        foreach (LoopState loop in loops)
        {
            loop.TrackForStaleness();
        }

        report.Stage("staleness lists (_previous, _current)");

        // Stage 3: each loop's WalScrapeAppender, committed once: the WAL's series table and the appenders' buffers.
        string directory = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "vigil-scrape-memory-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (Wal.Wal wal = Wal.Wal.Open(directory, new Wal.WalOptions()))
            {
                foreach (LoopState loop in loops)
                {
                    await loop.CommitAsync(wal).ConfigureAwait(false);
                }

                report.Stage("WAL series table + WalScrapeAppender buffers");
                PrintAppenderBreakdown(loops, report.Series);

                // Stage 4: ScrapeBuffer, grown as ScrapeClient grows it (16 KiB reads into a doubling pooled array).
                for (int t = 0; t < targets; t++)
                {
                    loops[t].Fill(pages[t]);
                }

                report.Stage("ScrapeBuffer (one pooled body buffer per loop, kept between scrapes)");
                report.Total();
                GC.KeepAlive(loops);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        GC.KeepAlive(pages);
        return 0;
    }

    /// <summary>The parts of stage 1 that can be counted from the outside; the rest is dictionaries and entry objects.</summary>
    private static void PrintCacheBreakdown(LoopState[] loops, long rawKeyBytes, long series)
    {
        var strings = new HashSet<string>(ReferenceEqualityComparer.Instance);
        long stringBytes = 0, arrays = 0;
        foreach (ScrapedSeries s in loops.SelectMany(static l => l.Series))
        {
            arrays += 24 + (16 * s.Labels.Count);
            foreach ((string name, string value) in s.Labels)
            {
                foreach (string text in (ReadOnlySpan<string>)[name, value])
                {
                    if (strings.Add(text))
                    {
                        stringBytes += Align(22 + (2L * text.Length));
                    }
                }
            }
        }

        Console.WriteLine(FormattableString.Invariant($"    of which (estimated from object layouts, x64):"));
        Line("raw key byte[] (UTF-8 name + labels)", (series * 24) + rawKeyBytes, series);
        Line("label name/value strings (interned, shared)", stringBytes, series);
        Line("sorted label arrays ((string, string)[])", arrays, series);
        Line("ScrapedSeries objects (entries are structs)", series * 40, series);
        Console.WriteLine(FormattableString.Invariant($"      ({strings.Count} distinct string objects for {series} series)"));
    }

    /// <summary>
    /// What each loop's appender keeps between scrapes: nothing. Pending samples live in a pooled array and record
    /// bytes in a batch from a small shared pool, only from a scrape's first sample to its commit (read by
    /// reflection: a measurement, not a contract); the rest of the stage is the WAL's series table.
    /// </summary>
    private static void PrintAppenderBreakdown(LoopState[] loops, long series)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        long pending = 0;
        foreach (LoopState loop in loops)
        {
            var array = (Array)typeof(WalScrapeAppender).GetField("_pending", Private)!.GetValue(loop.Appender!)!;
            pending += array.Length == 0 ? 0 : 24 + (24L * array.Length);
        }

        Console.WriteLine("    of which, per loop's WalScrapeAppender (exact capacities):");
        Line("pending samples kept between scrapes", pending, series);
    }

    private static void Line(string what, long bytes, long series) =>
        Console.WriteLine(FormattableString.Invariant($"      {what,-48} {bytes / 1048576.0,8:F1} MiB {bytes / (double)series,8:F0} B/series"));

    private static long Align(long bytes) => (bytes + 7) & ~7L;

    /// <summary>Full-GC heap deltas between stages.</summary>
    private sealed class StageReport(long series)
    {
        private long _start;
        private long _last;

        public long Series => series;

        public void Start()
        {
            _start = _last = Heap();
            Console.WriteLine(FormattableString.Invariant($"scrape-memory: {series} series (incl. 5 synthetic per target); managed heap after a full GC, per stage:"));
        }

        public void Stage(string name)
        {
            long now = Heap();
            Print(name, now - _last);
            _last = now;
        }

        public void Total()
        {
            Print("total", _last - _start);
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            Console.WriteLine(FormattableString.Invariant(
                $"process: RSS {process.WorkingSet64 / 1048576.0:F0} MiB, GC heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0} MiB (pages under test included)"));
        }

        private void Print(string name, long bytes) =>
            Console.WriteLine(FormattableString.Invariant($"  {name,-80} {bytes / 1048576.0,8:F1} MiB {bytes / (double)series,8:F0} B/series"));

        private static long Heap()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: false);
        }
    }

    /// <summary>What one ScrapeLoop holds for its target, built the way the loop builds it.</summary>
    /// <param name="expected">Sizes the probe's own list of the loop's series up front, so no stage counts its growth.</param>
    private sealed class LoopState(ScrapeTargetInfo target, int expected, ScrapeSeriesCache cache)
    {
        private readonly ExpositionScratch _scratch = new();
        private readonly List<ScrapedSeries> _series = new(expected);
        private readonly List<ScrapedSeries> _previous = [];
        private readonly List<ScrapedSeries> _current = [];
        private ScrapeBuffer? _buffer;
        private WalScrapeAppender? _appender;

        public IReadOnlyList<ScrapedSeries> Series => _series;

        public WalScrapeAppender? Appender => _appender;

        /// <returns>Bytes of the raw keys the cache copied (metric name, 2 separators and name/value per label).</returns>
        public long Resolve(byte[] page)
        {
            var parser = new ExpositionParser(page, ExpositionFormat.PrometheusText, _scratch);
            long keyBytes = 0;
            while (parser.TryNext(out ExpositionEntry entry))
            {
                if (entry.Kind != ExpositionEntryKind.Sample)
                {
                    continue;
                }

                long length = entry.MetricName.Length;
                foreach (ExpositionLabel label in entry.Labels)
                {
                    length += 2 + label.Name.Length + label.Value.Length;
                }

                keyBytes += Align(length);
                if (cache.Resolve(entry.MetricName, entry.Labels, 1, out _).Series is { } series)
                {
                    _series.Add(series);
                }
            }

            foreach (string name in (ReadOnlySpan<string>)["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"])
            {
                // The loop's five report series, built once per loop as ScrapeLoop.ReportSeries does.
                _series.Add(new ScrapedSeries([("__name__", name), .. target.Labels]));
            }

            return keyBytes;
        }

        public void TrackForStaleness()
        {
            _previous.AddRange(_series);
            _current.Capacity = _previous.Capacity;
        }

        public Task CommitAsync(Wal.Wal wal)
        {
            _appender = new WalScrapeAppender(wal);
            foreach (ScrapedSeries series in _series)
            {
                _appender.Append(series, 1_700_000_000_000, 1);
            }

            return _appender.CommitAsync();
        }

        public void Fill(byte[] page)
        {
            _buffer = new ScrapeBuffer();
            for (int at = 0; at < page.Length;)
            {
                Memory<byte> free = _buffer.GetFreeSpace(16 * 1024);
                int read = Math.Min(16 * 1024, page.Length - at);
                page.AsSpan(at, read).CopyTo(free.Span);
                _buffer.Advance(read);
                at += read;
            }
        }
    }
}
