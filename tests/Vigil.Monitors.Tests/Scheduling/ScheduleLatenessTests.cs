using Vigil.Monitors.Scheduling;
using Vigil.Monitors.Tests.Collectors;

namespace Vigil.Monitors.Tests.Scheduling;

/// <summary>Issue 7: "100 healthy monitors on the same interval keep their schedule (p99 lateness under 200 ms)".</summary>
[Collection(SocketCountingCollection.Name)]
public sealed class ScheduleLatenessTests
{
    [Fact]
    public async Task HundredMonitorsKeepTheirSchedule()
    {
        await using var kit = new SchedulerKit(async (ctx, ct) =>
        {
            await Task.Delay(20, ct);
            ctx.Rows.Add("avail")!.Set("value", 1);
        });
        for (var i = 0; i < 100; i++)
        {
            kit.Scheduler.Schedule(SchedulerKit.Monitor("m" + i, TimeSpan.FromSeconds(1)), SchedulerKit.Template);
        }

        // The first second is warm-up (first rounds compile the path); the next four are measured.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var (countBefore, withinBefore) = Lateness(kit);
        var noise = await TimerNoiseP99Async(TimeSpan.FromSeconds(4));
        var (countAfter, withinAfter) = Lateness(kit);
        var (count, within) = (countAfter - countBefore, withinAfter - withinBefore);
        Assert.InRange(count, 300, 500);

        var message = $"{within} of {count} started within 200 ms; a plain 10 ms timer's p99 overshoot was {noise.TotalMilliseconds:F0} ms";
        // Judged only when the machine itself keeps a 10 ms timer within 50 ms (p99): on a box whose own timers
        // are late by more, no scheduler could be on time, and a failure would say nothing about this one.
        if (noise > TimeSpan.FromMilliseconds(50))
        {
            Console.WriteLine("HundredMonitorsKeepTheirSchedule: machine too loaded to judge, not asserted: " + message);
            return;
        }

        Assert.True(within >= 0.99 * count, message);
    }

    /// <summary>Rounds started, and those started within 200 ms of their due time (the histogram's le="0.2" bucket).</summary>
    private static (double Count, double Within) Lateness(SchedulerKit kit)
    {
        using var writer = new Vigil.Common.Metrics.ExpositionWriter();
        kit.Registry.WriteTo(writer);
        var lines = System.Text.Encoding.UTF8.GetString(writer.Written.Span).Split('\n');
        double Value(string prefix) => double.Parse(lines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (Value("vigil_monitor_schedule_lateness_seconds_count"), Value("vigil_monitor_schedule_lateness_seconds_bucket{le=\"0.2\"}"));
    }

    /// <summary>How late a 10 ms Task.Delay wakes up, p99, measured for <paramref name="duration"/>.</summary>
    private static async Task<TimeSpan> TimerNoiseP99Async(TimeSpan duration)
    {
        var overshoots = new List<double>();
        var end = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < end)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            await Task.Delay(10);
            overshoots.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds - 10);
        }

        overshoots.Sort();
        return TimeSpan.FromMilliseconds(overshoots[(int)(overshoots.Count * 0.99)]);
    }
}
