using System.Text;
using Vigil.RemoteWrite.Receive;

namespace Vigil.RemoteWrite.Tests.Receive;

public sealed class RawLabelRefsTests
{
    private static byte[] Raw(int i) => Encoding.UTF8.GetBytes($"\n\x08__name__\x12\x0fnode_cpu_seconds_total\n\x08instance\x12\x0ehost-{i:D5}:9100\n\x03job\x12\x04node\n\x03cpu\x12\x02{i % 64}");

    [Fact]
    public void EveryLabelSetKeepsItsFirstRefAndUnknownOnesMiss()
    {
        var refs = new RawLabelRefs();
        const int Count = 50_000;
        for (var i = 0; i < Count; i++)
        {
            refs.Add((ulong)i + 1, Raw(i));
        }

        refs.Add(999_999, Raw(7)); // seen again: keeps its ref
        Assert.Equal(Count, refs.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.True(refs.TryGet(Raw(i), out var got) && got == (ulong)i + 1, $"label set {i}");
        }

        Assert.False(refs.TryGet(Raw(Count), out var none));
        Assert.Equal(0UL, none);
        Assert.False(refs.TryGet(Raw(1).AsSpan(0, Raw(1).Length - 1), out _)); // a prefix is another key
    }

    [Fact]
    public void TheTwoLanesDifferAndEachDependsOnEveryByte()
    {
        var data = Raw(42);
        var (a1, a2) = RawLabelRefs.Hash(data);
        Assert.NotEqual(a1, a2);
        for (var i = 0; i < data.Length; i++)
        {
            var flipped = (byte[])data.Clone();
            flipped[i] ^= 1;
            var (b1, b2) = RawLabelRefs.Hash(flipped);
            Assert.True(a1 != b1 && a2 != b2, $"byte {i}");
        }
    }

    [Fact]
    public void ASeriesCostsItsKeyAndRefNotACopyOfItsLabels()
    {
        // The table it replaced copied every label set (~0.1 KiB here) next to a 32-byte entry (issue 5, RSS per series).
        const int Count = 32_768; // fills the entry array exactly, so growth is counted at its usual 2x
        var raws = Enumerable.Range(0, Count).Select(Raw).ToArray();
        var refs = new RawLabelRefs();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            refs.Add((ulong)i + 1, raws[i]);
        }

        var perSeries = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
        // Entries of 24 bytes and two int slots each (half full), allocated twice over by doubling: 2 x (24 + 8) = 64.
        Assert.InRange(perSeries, 24, 72);
        Assert.True(raws[0].Length > 72, "the label sets are larger than what a series may cost");
    }
}
