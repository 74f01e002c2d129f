using Vigil.Scrape.Config;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Pool;
using Vigil.Scrape.Tests.Loop;
using Vigil.Scrape.Tests.Targets;

namespace Vigil.Scrape.Tests.Pool;

/// <summary>
/// Issue 4, reload: "/-/reload adds and removes targets without restarting the loops of targets that did not change",
/// plus file SD watching and target_limit, through <see cref="ScrapeManager"/> with real HTTP targets.
/// </summary>
public sealed class ScrapeManagerTests : IAsyncLifetime
{
    private const string Page = "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 2\n";

    private readonly List<TestTargetServer> _servers = [];
    private readonly RecordingAppenders _appenders = new();
    private readonly List<string> _warnings = [];
    private readonly List<DirectoryInfo> _cleanup = [];
    private ScrapeManager _manager = null!;

    public Task InitializeAsync()
    {
        _manager = new ScrapeManager(_appenders.Create, w =>
        {
            lock (_warnings)
            {
                _warnings.Add(w);
            }
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _manager.StopAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        foreach (var dir in _cleanup)
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Reloading_an_unchanged_job_keeps_its_loops_and_writes_no_stale_markers()
    {
        var (a, b) = (Target(), Target());
        await _manager.ApplyAsync([Job("j", [a, b])]);
        await WaitUpAsync(a, b);
        var before = LoopsByInstance();

        await _manager.ApplyAsync([Job("j", [a, b])]);
        await WaitUpAsync(a, b);

        Assert.Same(before[a], LoopsByInstance()[a]);
        Assert.Same(before[b], LoopsByInstance()[b]);
        Assert.DoesNotContain(_appenders.Samples(), s => s.IsStale);
    }

    [Fact]
    public async Task Adding_and_removing_targets_touches_only_those_targets()
    {
        var (a, b, c) = (Target(), Target(), Target());
        await _manager.ApplyAsync([Job("j", [a, b])]);
        await WaitUpAsync(a, b);
        var kept = LoopsByInstance()[b];

        await _manager.ApplyAsync([Job("j", [b, c])]);
        await WaitUpAsync(c);

        var loops = LoopsByInstance();
        Assert.Equal(new[] { b, c }.Order(StringComparer.Ordinal), loops.Keys.Order(StringComparer.Ordinal));
        Assert.Same(kept, loops[b]);
        Assert.Equal(["scrape_duration_seconds", "scrape_samples_post_metric_relabeling", "scrape_samples_scraped", "scrape_series_added", "up", "x", "y"],
            StaleNames(a));
        Assert.Empty(StaleNames(b));
    }

    [Fact]
    public async Task A_changed_interval_replaces_the_loop_but_its_series_carry_over()
    {
        var a = Target();
        await _manager.ApplyAsync([Job("j", [a])]);
        await WaitUpAsync(a);
        var old = LoopsByInstance()[a];

        await _manager.ApplyAsync([Job("j", [a], interval: "250ms")]);
        var replaced = LoopsByInstance()[a];
        Assert.NotSame(old, replaced);
        Assert.Empty(StaleNames(a));

        // The new loop inherited the old one's series: one that now disappears still gets its stale marker.
        Server(a).Response = TargetResponse.Text("# TYPE y gauge\ny 2\n");
        await WaitUntilAsync(() => StaleNames(a).Contains("x"), "x to go stale after the reload");
        Assert.Equal(["x"], StaleNames(a));
        Assert.Equal(TimeSpan.FromMilliseconds(250), replaced.Config.ScrapeInterval);
    }

    [Fact]
    public async Task A_changed_metric_relabeling_marks_the_old_series_stale_and_starts_afresh()
    {
        var a = Target();
        await _manager.ApplyAsync([Job("j", [a])]);
        await WaitUpAsync(a);

        var relabeled = Job("j", [a], extra: "metric_relabel_configs:\n  - {target_label: env, replacement: prod}\n");
        await _manager.ApplyAsync([relabeled]);
        await WaitUntilAsync(() => _appenders.Samples().Any(s => s.Name == "x" && s.Series.Get("env") == "prod"), "relabeled x");

        Assert.Contains("x", StaleNames(a));
        Assert.DoesNotContain(_appenders.Samples(), s => s.IsStale && s.Series.Get("env") == "prod");
    }

    [Fact]
    public async Task Removing_a_job_marks_its_series_stale_and_leaves_the_other_jobs_alone()
    {
        var (a, b) = (Target(), Target());
        await _manager.ApplyAsync([Job("one", [a]), Job("two", [b])]);
        await WaitUpAsync(a, b);
        var kept = LoopsByInstance()[b];

        await _manager.ApplyAsync([Job("two", [b])]);

        Assert.Contains("up", StaleNames(a));
        Assert.Same(kept, Assert.Single(_manager.Active).Loop);
        Assert.Empty(StaleNames(b));
    }

    [Fact]
    public async Task A_job_that_cannot_be_built_fails_the_reload_and_changes_nothing()
    {
        var a = Target();
        await _manager.ApplyAsync([Job("j", [a])]);
        await WaitUpAsync(a);
        var before = LoopsByInstance()[a];

        var broken = Job("k", [Target()], extra: "tls_config:\n  ca_file: /nonexistent/ca.pem\n");
        await Assert.ThrowsAnyAsync<Exception>(() => _manager.ApplyAsync([Job("j", [a], interval: "300ms"), broken]));

        Assert.Same(before, Assert.Single(_manager.Active).Loop);
        Assert.Empty(StaleNames(a));
    }

    [Fact]
    public async Task File_sd_changes_add_and_remove_targets_while_running()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-file-sd-");
        _cleanup.Add(dir);
        var file = Path.Combine(dir.FullName, "targets.json");
        var (a, b) = (Target(), Target());
        await File.WriteAllTextAsync(file, FileSd(a));
        var job = TargetCheck.ParseConfig($"""
            job_name: files
            scrape_interval: 200ms
            scrape_timeout: 150ms
            file_sd_configs:
              - files: ['{dir.FullName}/*.json']
                refresh_interval: 1h
            """);
        await _manager.ApplyAsync([job]);
        await WaitUpAsync(a);
        var first = LoopsByInstance()[a];

        await WriteReplacingAsync(file, FileSd(a, b));
        await WaitUntilAsync(() => LoopsByInstance().ContainsKey(b), "b from the changed file");
        Assert.Same(first, LoopsByInstance()[a]);
        Assert.Equal(file, _manager.Active.Single(t => t.Target.Instance == b).Target.DiscoveredLabels.Single(l => l.Name == "__meta_filepath").Value);

        // b's series x exists (and can go stale below) only once a scrape of b succeeded; its 150 ms timeout can fail
        // the first one on a loaded machine (a CI failure: no stale x).
        await WaitUpAsync(b);

        // A half-written file keeps the targets it had (Prometheus's file SD does the same).
        await WriteReplacingAsync(file, "[{\"targets\": [");
        await WaitUntilAsync(() => Warnings().Any(w => w.Contains(file, StringComparison.Ordinal)), "a warning naming the broken file");
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), LoopsByInstance().Keys.Order(StringComparer.Ordinal));

        File.Delete(file);
        await WaitUntilAsync(() => _manager.Active.Count == 0, "targets gone with the file");
        Assert.Contains("up", StaleNames(a));
        Assert.Contains("x", StaleNames(b));
    }

    [Fact]
    public async Task Over_target_limit_every_target_of_the_job_fails_with_the_reason()
    {
        var (a, b) = (Target(), Target());
        await _manager.ApplyAsync([Job("j", [a, b], extra: "target_limit: 1\n")]);

        await WaitUntilAsync(() => _manager.Active.All(t => t.Loop.Status.LastError is not null), "both targets to report the limit");
        Assert.All(_manager.Active, t => Assert.Equal("target_limit exceeded (number of targets: 2, limit: 1)", t.Loop.Status.LastError));
        Assert.All(_servers, s => Assert.Empty(s.Requests));

        await _manager.ApplyAsync([Job("j", [a, b], extra: "target_limit: 2\n")]);
        await WaitUpAsync(a, b);
    }

    [Fact]
    public async Task A_relabeled_scrape_interval_and_timeout_apply_to_their_target()
    {
        var a = Target();
        var job = TargetCheck.ParseConfig($"""
            job_name: j
            scrape_interval: 1h
            scrape_timeout: 10s
            static_configs:
              - targets: ['{a}']
            relabel_configs:
              - {"{"}target_label: __scrape_interval__, replacement: 200ms{"}"}
              - {"{"}target_label: __scrape_timeout__, replacement: 150ms{"}"}
            """);
        await _manager.ApplyAsync([job]);

        // With the job's 1h interval there would be one scrape at most; three prove the target's own interval.
        await WaitUntilAsync(() => Server(a).Requests.Count >= 3, "three scrapes at the target's 200ms interval");
        Assert.All(Server(a).Requests, r => Assert.Equal("0.15", r["x-prometheus-scrape-timeout-seconds"]));
    }

    private static string FileSd(params string[] targets) =>
        "[{\"targets\": [" + string.Join(", ", targets.Select(t => "\"" + t + "\"")) + "], \"labels\": {\"zone\": \"z1\"}}]";

    // Rename into place, as config management does, so a watcher never reads a half-written file by accident.
    private static async Task WriteReplacingAsync(string path, string text)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    private static ScrapeConfig Job(string name, string[] targets, string interval = "200ms", string extra = "") =>
        TargetCheck.ParseConfig($"""
            job_name: {name}
            scrape_interval: {interval}
            scrape_timeout: 150ms
            static_configs:
              - targets: [{string.Join(", ", targets.Select(t => "'" + t + "'"))}]

            """ + extra);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }

    private string Target()
    {
        var server = new TestTargetServer(TargetResponse.Text(Page));
        _servers.Add(server);
        return server.Url.Authority;
    }

    private TestTargetServer Server(string instance) => _servers.Single(s => s.Url.Authority == instance);

    private Dictionary<string, ScrapeLoop> LoopsByInstance() =>
        _manager.Active.ToDictionary(t => t.Target.Instance, t => t.Loop, StringComparer.Ordinal);

    private string[] Warnings()
    {
        lock (_warnings)
        {
            return [.. _warnings];
        }
    }

    /// <summary>Waits for a successful scrape of each instance after this call.</summary>
    private Task WaitUpAsync(params string[] instances)
    {
        var seen = instances.ToDictionary(i => i, i => UpValues(i).Length);
        return WaitUntilAsync(() => instances.All(i => UpValues(i).Skip(seen[i]).Contains(1)), "a successful scrape of " + string.Join(", ", instances));
    }

    private double[] UpValues(string instance) =>
        [.. _appenders.Samples().Where(s => s.Name == "up" && s.Series.Get("instance") == instance).Select(s => s.Value)];

    private string[] StaleNames(string instance) =>
        [.. _appenders.Samples().Where(s => s.IsStale && s.Series.Get("instance") == instance).Select(s => s.Name).Order(StringComparer.Ordinal)];

    /// <summary>An appender per loop, as the instance gives each loop its own; samples read across all of them.</summary>
    private sealed class RecordingAppenders
    {
        private readonly List<MemoryScrapeAppender> _all = [];

        public IScrapeAppender Create()
        {
            var appender = new MemoryScrapeAppender();
            lock (_all)
            {
                _all.Add(appender);
            }

            return appender;
        }

        public AppendedSample[] Samples()
        {
            lock (_all)
            {
                return [.. _all.SelectMany(a => a.Batches).SelectMany(b => b)];
            }
        }
    }
}
