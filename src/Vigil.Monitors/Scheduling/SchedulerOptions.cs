namespace Vigil.Monitors.Scheduling;

/// <summary>The scheduler's knobs (config <c>monitors:</c>); defaults in each comment.</summary>
internal sealed record SchedulerOptions
{
    public static SchedulerOptions Default { get; } = new();

    /// <summary>Collections running at once; default 256. Further due collections wait for a slot.</summary>
    public int MaxConcurrency { get; init; } = 256;

    /// <summary>The longest any collection may run; default 30 s. A collection's timeout is the smaller of this and its interval.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wheel's tick, the scheduler's resolution; default 10 ms.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Buckets of the wheel (a power of two); default 1024, about 10 s per turn at 10 ms.</summary>
    public int WheelSlots { get; init; } = 1024;
}
