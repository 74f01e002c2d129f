using System.Globalization;
using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

internal static class ChunkAssert
{
    public static XorChunk Encode(IReadOnlyList<(long T, ulong Bits)> samples)
    {
        var chunk = new XorChunk();
        foreach (var (t, bits) in samples)
        {
            chunk.Append(t, BitConverter.UInt64BitsToDouble(bits));
        }

        return chunk;
    }

    /// <summary>Decodes <paramref name="chunk"/> and compares timestamps and value bits (never values: NaN != NaN).</summary>
    public static void RoundTrips(XorChunk chunk, IReadOnlyList<(long T, ulong Bits)> expected, string context = "")
    {
        Assert.Equal(expected.Count, chunk.Count);
        var it = chunk.Iterator();
        Assert.Equal(expected.Count, it.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            if (!it.Next())
            {
                Assert.Fail(Invariant($"{context}: iterator stopped after {i} of {expected.Count} samples"));
            }

            var (t, v) = it.At();
            ulong bits = BitConverter.DoubleToUInt64Bits(v);
            if (t != expected[i].T || bits != expected[i].Bits)
            {
                Assert.Fail(Invariant(
                    $"{context}: sample {i}: expected ({expected[i].T}, 0x{expected[i].Bits:x16}), got ({t}, 0x{bits:x16})"));
            }
        }

        Assert.False(it.Next(), context);
        Assert.False(it.Next(), context);
    }

    public static void RoundTrips(IReadOnlyList<(long T, ulong Bits)> samples, string context = "")
    {
        using var chunk = Encode(samples);
        RoundTrips(chunk, samples, context);
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
