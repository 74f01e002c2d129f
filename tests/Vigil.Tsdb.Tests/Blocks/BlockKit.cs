using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.BlockTests;

/// <summary>A unique directory under the system's temp directory, deleted (best effort) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "blocks")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Builders and readers shared by the block tests. Samples are compared as value bits (HeadKit).</summary>
internal static class BlockKit
{
    public const long Step = 15_000;

    /// <summary>Every selected series with its samples, in the order the set returned them.</summary>
    public static List<(Labels Labels, List<(long T, ulong Bits)> Samples)> Read(IQuerier querier, long mint, long maxt, params LabelMatcher[] matchers)
    {
        var result = new List<(Labels, List<(long, ulong)>)>();
        using var set = querier.Select(mint, maxt, null, matchers);
        ISampleIterator? reuse = null;
        while (set.MoveNext())
        {
            var it = set.Current.Iterator(reuse);
            reuse = it;
            var samples = new List<(long, ulong)>();
            while (it.Next())
            {
                var (t, v) = it.At();
                samples.Add((t, Bits(v)));
            }

            result.Add((set.Current.Labels, samples));
        }

        return result;
    }

    /// <summary>One line per series, <c>{labels} t:v t:v</c>, for comparing whole results in one assertion.</summary>
    public static string Describe(IEnumerable<(Labels Labels, List<(long T, ulong Bits)> Samples)> series) =>
        string.Join("\n", series.Select(s => s.Labels + " " + Format(s.Samples)));

    /// <summary>Whether two results hold the same series with the same sample bits, in the same order (cheaper than comparing <see cref="Describe"/>).</summary>
    public static bool Same(List<(Labels Labels, List<(long T, ulong Bits)> Samples)> a, List<(Labels Labels, List<(long T, ulong Bits)> Samples)> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Labels.Equals(p.Second.Labels) && p.First.Samples.SequenceEqual(p.Second.Samples));

    /// <summary>A head with <paramref name="series"/> series <c>m{i="n"}</c> of <paramref name="samples"/> samples each, every <see cref="Step"/> from <paramref name="start"/>.</summary>
    public static Head FilledHead(int series, int samples, long start = 0, Func<int, int, double>? value = null, HeadOptions? options = null)
    {
        var head = new Head(options);
        for (int s = 0; s < series; s++)
        {
            var r = head.GetOrCreate(L("__name__", "m", "i", s.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)));
            for (int n = 0; n < samples; n++)
            {
                Assert.Equal(AppendError.None, head.Append(r, start + (n * Step), value?.Invoke(s, n) ?? (s * 1000) + n));
            }
        }

        return head;
    }

    /// <summary>Cuts [<paramref name="mint"/>, <paramref name="maxt"/>) of <paramref name="head"/> into a block under <paramref name="directory"/>.</summary>
    public static BlockMeta Cut(Head head, string directory, long mint, long maxt, BlockWriteOptions? options = null) =>
        BlockWriter.Write(directory, head.ChunksInRange(mint, maxt), mint, maxt, options) ?? throw new InvalidOperationException("nothing to write");

    public static string BlockPath(string directory, BlockMeta meta) => Path.Combine(directory, meta.Ulid.ToString());
}
