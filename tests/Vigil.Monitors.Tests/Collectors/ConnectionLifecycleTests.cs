using Vigil.Monitors.Collectors.Http;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;
using Vigil.Monitors.Tests.Scheduling;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>
/// Issue 7's lifecycle acceptance, through the scheduler and the http collector against listeners that count
/// their connections: one connection per monitor, an edit closes the old one before the new target is used,
/// pause and delete leave none (in the OS socket table too), and random edits never leak one.
/// </summary>
[Collection(SocketCountingCollection.Name)]
public sealed class ConnectionLifecycleTests
{
    private static readonly MonitorTemplate Website = ProbeRound.Template("website");

    private static MonitorDefinition Monitor(string id, CountingHttpServer server) =>
        HttpCollectorTests.Monitor(id, server.Url) with { Interval = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task OneConnectionPerMonitorEditClosesFirstPauseAndDeleteLeaveNone()
    {
        await using var first = new CountingHttpServer("one");
        await using var second = new CountingHttpServer("two");
        await using var kit = new SchedulerKit(new HttpCollector());
        const int N = 5;
        for (var i = 0; i < N; i++)
        {
            kit.Scheduler.Schedule(Monitor("m" + i, first), Website);
        }

        await MonitorSchedulerTests.WaitUntil(() => first.Requests.Count >= 2 * N, TimeSpan.FromSeconds(15));
        Assert.Equal((N, N), (first.Open, first.Accepted));
        Assert.Equal(N, kit.Scheduler.Metrics.Connections.Open("http"));
        Assert.Equal(N, SocketTable.EstablishedTo(first.Port));

        // Edit m0 to the second server: its old connection closes before its first request there.
        kit.Scheduler.Schedule(Monitor("m0", second), Website);
        await MonitorSchedulerTests.WaitUntil(() => second.Requests.Count >= 1, TimeSpan.FromSeconds(5));
        var closed = first.Events.Where(e => e.Event == "close").Select(e => e.Tick).Single();
        var firstRequest = second.Events.Where(e => e.Event == "request").Select(e => e.Tick).First();
        Assert.True(closed < firstRequest, $"closed at {closed}, new target used at {firstRequest}");
        Assert.Equal(N - 1, first.Open);
        Assert.Equal(N, kit.Scheduler.Metrics.Connections.Open("http"));

        // Pause (unschedule) two and delete the rest: nothing is left open, at once.
        await kit.Scheduler.UnscheduleAsync("m1");
        await kit.Scheduler.UnscheduleAsync("m2");
        Assert.Equal(N - 2, kit.Scheduler.Metrics.Connections.Open("http"));
        foreach (var id in new[] { "m0", "m3", "m4" })
        {
            await kit.Scheduler.UnscheduleAsync(id);
        }

        Assert.Equal(0, kit.Scheduler.Metrics.Connections.Open("http"));
        await MonitorSchedulerTests.WaitUntil(() => first.Open == 0 && second.Open == 0, TimeSpan.FromSeconds(2));
        Assert.Equal(0, SocketTable.EstablishedTo(first.Port));
        Assert.Equal(0, SocketTable.EstablishedTo(second.Port));
    }

    [Fact]
    public async Task RandomOperationsNeverLeakAConnection()
    {
        var servers = new[] { new CountingHttpServer("a"), new CountingHttpServer("b"), new CountingHttpServer("c") };
        try
        {
            var socketsBefore = SocketTable.OpenSockets();
            await using (var kit = new SchedulerKit(new HttpCollector()))
            {
                var random = new Random(7);
                var operations = new RandomMonitorOperations<CountingHttpServer>(kit, Website, Monitor, servers, maxMonitors: 30, idPrefix: "m");
                var active = operations.Active;
                for (var op = 0; op < 200; op++)
                {
                    await operations.ApplyAsync(random, op);
                    await Task.Delay(random.Next(0, 30));
                }

                // Every active monitor has had a round since its last change: the gauge equals the active count, and
                // each server holds the connections of the monitors aimed at it. Per server, not only in sum: a monitor
                // edited just before this point keeps its old connection until its next round (closed before the first
                // request to its new target), and then the sum already matches while the servers do not.
                await MonitorSchedulerTests.WaitUntil(
                    () => kit.Scheduler.Metrics.Connections.Open("http") == active.Count
                        && servers.All(server => server.Open == active.Values.Count(s => s == server)),
                    TimeSpan.FromSeconds(10),
                    () => $"{active.Count} active monitors, gauge {kit.Scheduler.Metrics.Connections.Open("http")}, connections open at the servers {string.Join('/', servers.Select(s => s.Open))}");
                foreach (var server in servers)
                {
                    Assert.Equal(active.Values.Count(s => s == server), server.Open);
                }
            }

            await MonitorSchedulerTests.WaitUntil(() => servers.All(s => s.Open == 0), TimeSpan.FromSeconds(2));
            Assert.All(servers, s => Assert.Equal(0, SocketTable.EstablishedTo(s.Port)));
            // The servers' listeners were open before too; nothing the monitors opened is left.
            Assert.Equal(socketsBefore, SocketTable.OpenSockets());
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}

/// <summary>Tests that count this process's sockets, or time its scheduling, run alone: no other test's sockets or CPU count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SocketCountingCollection
{
    public const string Name = "socket counting";
}
