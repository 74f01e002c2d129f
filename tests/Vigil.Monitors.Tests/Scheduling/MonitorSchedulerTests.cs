using System.Collections.Concurrent;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Scheduling;

namespace Vigil.Monitors.Tests.Scheduling;

public sealed class MonitorSchedulerTests
{
    private const string UpSeries = "{__name__=\"vigil_monitor_up\", app=\"fake\", monitor=\"m-{0}\"}";

    private static string Up(string id) => UpSeries.Replace("{0}", id, StringComparison.Ordinal);

    [Fact]
    public void PhaseIsDeterministicAndSpread()
    {
        Assert.Equal(MonitorScheduler.PhaseMs("abc", 10_000), MonitorScheduler.PhaseMs("abc", 10_000));
        var phases = Enumerable.Range(0, 1000).Select(i => MonitorScheduler.PhaseMs("m" + i, 10_000)).ToArray();
        Assert.All(phases, p => Assert.InRange(p, 0, 9_999));

        // Spread: each tenth of the interval gets roughly a tenth of the monitors.
        Assert.All(phases.GroupBy(p => p / 1000), g => Assert.InRange(g.Count(), 60, 140));
        Assert.Equal(10, phases.GroupBy(p => p / 1000).Count());
    }

    [Theory]
    [InlineData(10_000, 10_000, 0, 10_000)]
    [InlineData(10_001, 10_000, 0, 20_000)]
    [InlineData(10_001, 10_000, 2_500, 12_500)]
    [InlineData(12_501, 10_000, 2_500, 22_500)]
    public void NextDueFallsOnThePhase(long after, long interval, long phase, long expected) =>
        Assert.Equal(expected, MonitorScheduler.NextDueMs(after, interval, phase));

    [Fact]
    public async Task WritesAvailabilityGroupsAndCalculatedFields()
    {
        await using var kit = new SchedulerKit((ctx, _) =>
        {
            ctx.Rows.Add("avail")!.Set("value", 7);
            ctx.Rows.Add("slow")?.SetLabel("db", "a").Set("size", 2048);
            ctx.Rows.Add("slow")?.SetLabel("db", "b").Set("size", 1024);
            return Task.CompletedTask;
        });
        kit.Scheduler.Schedule(SchedulerKit.Monitor("x", TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        await WaitUntil(() => kit.Output.Of(Up("x")).Count >= 4, TimeSpan.FromSeconds(8));

        Assert.All(kit.Output.Of(Up("x")), s => Assert.Equal(1, s.V));
        Assert.Equal(7, kit.Output.Of("{__name__=\"fake_value\", app=\"fake\", monitor=\"m-x\"}")[0].V);
        Assert.Equal(2, kit.Output.Of("{__name__=\"fake_size_kib\", app=\"fake\", db=\"a\", monitor=\"m-x\"}")[0].V);

        // The 3 s group ran on fewer rounds than the 1 s monitor.
        var rounds = kit.Output.Of(Up("x")).Count;
        var slow = kit.Output.Of("{__name__=\"fake_size_bytes\", app=\"fake\", db=\"b\", monitor=\"m-x\"}").Count;
        Assert.InRange(slow, 1, rounds - 1);
        Assert.Equal(MonitorStatus.Up, kit.Statuses["x"].Status);

        // Rounds fall on the monitor's phase. One round may start late on a loaded machine (a clean-clone CI run
        // saw one 514 ms late while the test suite filled both cores); a scheduler off its phase misses them all.
        var phase = MonitorScheduler.PhaseMs("x", 1000);
        var offsets = kit.Output.Of(Up("x")).Select(s => (s.T - phase) % 1000).ToList();
        Assert.True(offsets.Count(o => o is >= 0 and <= 150) >= offsets.Count - 1, "offsets from the phase (ms): " + string.Join(", ", offsets));
    }

    [Fact]
    public async Task AHungTargetFailsOnTimeAndDelaysNoOtherMonitor()
    {
        await using var kit = new SchedulerKit(async (ctx, ct) =>
        {
            if (ctx.Monitor.Text("target") == "hang")
            {
                // Ignores its token on purpose: the scheduler must abandon it anyway.
                await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
            }

            ctx.Rows.Add("avail")!.Set("value", 1);
        });
        kit.Scheduler.Schedule(SchedulerKit.Monitor("hung", TimeSpan.FromSeconds(1), "hang"), SchedulerKit.Template);
        kit.Scheduler.Schedule(SchedulerKit.Monitor("ok", TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        await WaitUntil(() => kit.Statuses.TryGetValue("hung", out var s) && s.Status == MonitorStatus.Down, TimeSpan.FromSeconds(5));

        Assert.Equal((MonitorStatus.Down, "no result within 1s"), kit.Statuses["hung"]);
        var duration = kit.Output.Of("{__name__=\"vigil_monitor_collect_duration_seconds\", app=\"fake\", monitor=\"m-hung\"}")[0].V;
        Assert.InRange(duration, 0.9, 1.5);
        Assert.Equal(1, kit.Output.Of("{__name__=\"vigil_monitor_collect_errors_total\", app=\"fake\", monitor=\"m-hung\", reason=\"timeout\"}")[0].V);
        Assert.True(kit.Output.Of(Up("ok")).Count >= 1);
        Assert.Equal(MonitorStatus.Up, kit.Statuses["ok"].Status);
    }

    [Fact]
    public async Task NoRoundStartsWhileAnAbandonedCollectionStillRuns()
    {
        int active = 0, most = 0, calls = 0;
        using var release = new SemaphoreSlim(0);
        await using var kit = new SchedulerKit(async (ctx, ct) =>
        {
            int now = Interlocked.Increment(ref active);
            InterlockedMax(ref most, now);
            try
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    // Ignores its token, as a stuck client call would: abandoned at 1 s, returns only when released.
                    await release.WaitAsync(CancellationToken.None);
                }

                ctx.Rows.Add("avail")!.Set("value", 1);
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        });
        kit.Scheduler.Schedule(SchedulerKit.Monitor("stuck", TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        await WaitUntil(() => kit.Statuses.TryGetValue("stuck", out var s) && s.Status == MonitorStatus.Down, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, Volatile.Read(ref calls));

        release.Release();
        await WaitUntil(() => kit.Statuses["stuck"].Status == MonitorStatus.Up, TimeSpan.FromSeconds(5));
        Assert.Equal(MonitorStatus.Up, kit.Statuses["stuck"].Status);
        Assert.Equal(1, Volatile.Read(ref most));
    }

    [Fact]
    public async Task IntervalChangeTakesEffectAtTheNextRun()
    {
        await using var kit = new SchedulerKit((ctx, _) => Task.CompletedTask);
        kit.Scheduler.Schedule(SchedulerKit.Monitor("x", TimeSpan.FromHours(1)), SchedulerKit.Template);
        await Task.Delay(300);
        Assert.Empty(kit.Output.Of(Up("x")));

        kit.Scheduler.Schedule(SchedulerKit.Monitor("x", TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        await WaitUntil(() => kit.Output.Of(Up("x")).Count >= 2, TimeSpan.FromSeconds(4));
        // Runs one new interval apart, each on the new phase (a loaded machine may start one late, or skip one
        // while the previous still runs: a CI run saw a 2 s gap), never the old hour.
        var times = kit.Output.Of(Up("x")).Select(s => s.T).ToArray();
        Assert.InRange(Math.Round((times[1] - times[0]) / 1000.0), 1, 2);
        var phase = MonitorScheduler.PhaseMs("x", 1000);
        Assert.All(times, t => Assert.InRange((t - phase) % 1000, 0, 500));
    }

    [Fact]
    public async Task ConcurrencyIsBounded()
    {
        var running = 0;
        var peak = 0;
        await using var kit = new SchedulerKit(
            async (ctx, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await Task.Delay(300, ct);
                Interlocked.Decrement(ref running);
            },
            SchedulerOptions.Default with { MaxConcurrency = 4 });
        for (var i = 0; i < 20; i++)
        {
            kit.Scheduler.Schedule(SchedulerKit.Monitor("m" + i, TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        }

        await Task.Delay(2500);
        Assert.Equal(4, peak);
    }

    [Fact]
    public async Task UnscheduleStopsRoundsDisposesLeasesAndMarksSeriesStale()
    {
        var disposed = new ConcurrentBag<string>();
        await using var kit = new SchedulerKit(async (ctx, ct) =>
        {
            await ctx.Leases.AcquireAsync("fake", ctx.Monitor.Text("target")!, _ => Task.FromResult(new FakeClient(ctx.Monitor.Id, disposed)), ct);
            ctx.Rows.Add("avail")!.Set("value", 1);
        });
        kit.Scheduler.Schedule(SchedulerKit.Monitor("x", TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        await WaitUntil(() => kit.Output.Of(Up("x")).Count >= 1, TimeSpan.FromSeconds(3));
        Assert.Equal(1, kit.Scheduler.Metrics.Connections.Open("fake"));
        Assert.Equal("open", kit.Scheduler.Lease("x")!.State);

        await kit.Scheduler.UnscheduleAsync("x");
        Assert.Equal(["x"], disposed);
        Assert.Equal(0, kit.Scheduler.Metrics.Connections.Open("fake"));
        Assert.True(StaleMarkerBits(kit.Output.Of(Up("x"))[^1].V));
        var count = kit.Output.Of(Up("x")).Count;
        await Task.Delay(1500);
        Assert.Equal(count, kit.Output.Of(Up("x")).Count);
        Assert.Null(kit.Scheduler.Lease("x"));
    }

    [Fact]
    public async Task MetricsLeaveWithTheScheduler()
    {
        var kit = new SchedulerKit((_, _) => Task.CompletedTask);
        Assert.True(kit.Registry.IsRegistered("vigil_monitor_scheduled"));
        await kit.DisposeAsync();
        Assert.False(kit.Registry.IsRegistered("vigil_monitor_scheduled"));
        Assert.False(kit.Registry.IsRegistered("vigil_monitor_connections_open"));
    }

    /// <param name="describe">What the failure message adds: the state the condition looked at.</param>
    internal static async Task WaitUntil(Func<bool> condition, TimeSpan limit, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, describe is null ? "condition not met in time" : "condition not met in time: " + describe());
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task RoundsWithoutARunningInstanceAreCounted()
    {
        await using var kit = new SchedulerKit((ctx, _) =>
        {
            ctx.Rows.Add("avail")!.Set("value", 1);
            return Task.CompletedTask;
        });
        kit.Output.Closed = true;
        kit.Scheduler.Schedule(SchedulerKit.Monitor("gone", TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        await WaitUntil(() => kit.Scheduler.Metrics.Dropped.Value >= 2, TimeSpan.FromSeconds(5));
        Assert.True(kit.Scheduler.Metrics.Dropped.Value >= 2);
        Assert.Empty(kit.Output.Samples);
    }

    private static bool StaleMarkerBits(double value) => BitConverter.DoubleToUInt64Bits(value) == 0x7ff0000000000002;

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class FakeClient(string id, ConcurrentBag<string> disposed) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            disposed.Add(id);
            return ValueTask.CompletedTask;
        }
    }
}
