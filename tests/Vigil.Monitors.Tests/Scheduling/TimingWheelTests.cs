using Vigil.Monitors.Scheduling;

namespace Vigil.Monitors.Tests.Scheduling;

public sealed class TimingWheelTests
{
    private sealed class Item(string name)
    {
        public string Name { get; } = name;
    }

    private static List<string> Advance(TimingWheel<Item> wheel, long tick)
    {
        var due = new List<TimingWheel<Item>.Entry>();
        wheel.Advance(tick, due);
        return [.. due.Select(e => e.Value.Name).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void FiresEachEntryAtItsTickAcrossTurns()
    {
        var wheel = new TimingWheel<Item>(8, startTick: 100);
        var a = new TimingWheel<Item>.Entry(new Item("a"));
        var b = new TimingWheel<Item>.Entry(new Item("b"));
        var c = new TimingWheel<Item>.Entry(new Item("c"));
        wheel.Add(a, 103);
        wheel.Add(b, 111); // same bucket as 103, one turn later
        wheel.Add(c, 130); // several turns later
        Assert.Equal(3, wheel.Count);

        Assert.Empty(Advance(wheel, 102));
        Assert.Equal(["a"], Advance(wheel, 103));
        Assert.Empty(Advance(wheel, 110));
        Assert.Equal(["b"], Advance(wheel, 111));
        Assert.Empty(Advance(wheel, 129));
        Assert.Equal(["c"], Advance(wheel, 130));
        Assert.Equal(0, wheel.Count);
        Assert.False(a.IsScheduled);
    }

    [Fact]
    public void RemoveAndPastTicks()
    {
        var wheel = new TimingWheel<Item>(8, startTick: 0);
        var a = new TimingWheel<Item>.Entry(new Item("a"));
        var b = new TimingWheel<Item>.Entry(new Item("b"));
        var c = new TimingWheel<Item>.Entry(new Item("c"));
        wheel.Add(a, 5);
        wheel.Add(b, 5);
        wheel.Add(c, 5);
        Assert.True(wheel.Remove(b));
        Assert.False(wheel.Remove(b));
        Assert.Throws<InvalidOperationException>(() => wheel.Add(a, 6));
        Assert.Equal(["a", "c"], Advance(wheel, 5));

        // A tick already passed fires at the next advance, not never.
        wheel.Add(b, 2);
        Assert.Equal(["b"], Advance(wheel, 6));
    }

    [Fact]
    public void AStallLongerThanATurnFiresEverythingDueOnce()
    {
        var wheel = new TimingWheel<Item>(4, startTick: 0);
        var entries = Enumerable.Range(1, 20).Select(i => new TimingWheel<Item>.Entry(new Item(i.ToString("00", System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
        for (var i = 0; i < entries.Length; i++)
        {
            wheel.Add(entries[i], i + 1);
        }

        Assert.Equal(Enumerable.Range(1, 13).Select(i => i.ToString("00", System.Globalization.CultureInfo.InvariantCulture)), Advance(wheel, 13));
        Assert.Equal(7, wheel.Count);
        Assert.Equal(["14", "15", "16", "17", "18", "19", "20"], Advance(wheel, 1000));
    }

    [Fact]
    public void SlotsMustBeAPowerOfTwo() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimingWheel<Item>(6, 0));
}
