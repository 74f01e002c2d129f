using Vigil.PromQL.Engine;
using Vigil.Tsdb;

namespace Vigil.PromQL.Tests.Engine;

/// <summary>The engine allocates per series and per output point, never per sample read (issue 6's hot path).</summary>
public sealed class EngineAllocationTests
{
    private static readonly Head s_head = EngineTestStorage.Counters(series: 500, minutes: 240);

    [Theory]
    [InlineData("sum by (job) (rate(x[5m]))")]
    [InlineData("max by (job) (max_over_time(x[10m]))")]
    [InlineData("count(x)")]
    public void Reading_four_times_the_samples_allocates_no_more(string query)
    {
        // The same 61 steps over 1 h and over 4 h: each window holds four times the samples.
        long oneHour = Allocated(query, 60_000);
        long fourHours = Allocated(query, 240_000);
        Console.WriteLine($"{query}: 1 h {oneHour} B, 4 h {fourHours} B");
        Assert.True(fourHours - oneHour < 32 * 1024, $"1 h: {oneHour} B, 4 h: {fourHours} B");
    }

    private static long Allocated(string query, long step)
    {
        var engine = new QueryEngine();
        long end = 60 * step;
        engine.RangeQuery(s_head, query, 0, end, step, default); // warm-up: JIT, pools
        long before = GC.GetAllocatedBytesForCurrentThread();
        engine.RangeQuery(s_head, query, 0, end, step, default);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
