using System.Globalization;
using Vigil.Tsdb.Storage;
using static Vigil.Tsdb.Tests.HeadTests.HeadKit;

namespace Vigil.Tsdb.Tests.HeadTests;

public sealed class HeadConcurrencyTests
{
    private const int Writers = 4;
    private const int OwnSeries = 40;
    private const int SharedSeries = 4;
    private const int Rounds = 300;

    /// <summary>
    /// Writers append to their own series and, at interleaved timestamps, to shared ones (the window takes
    /// whichever arrives late), while a reader selects over and over. Every read must be sorted, free of repeats
    /// and a subset of what was written; the final read must be exactly what was written.
    /// </summary>
    [Fact]
    public async Task Writers_and_a_reader_agree_on_the_final_state()
    {
        using var head = new Head(new HeadOptions { OutOfOrderTimeWindow = long.MaxValue / 4 });
        var shared = Enumerable.Range(0, SharedSeries).Select(i => L("__name__", "shared", "i", Invariant(i))).ToArray();
        using var done = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            // Every writer resolves the shared series itself: concurrent GetOrCreate must agree on one ref.
            var sharedRefs = shared.Select(head.GetOrCreate).ToArray();
            var own = Enumerable.Range(0, OwnSeries)
                .Select(i => head.GetOrCreate(L("__name__", "own", "w", Invariant(w), "i", Invariant(i)))).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var r in own)
                {
                    Assert.Equal(AppendError.None, head.Append(r, round * 1000L, round));
                }

                foreach (var r in sharedRefs)
                {
                    Assert.Equal(AppendError.None, head.Append(r, (round * Writers) + w, w));
                }
            }

            return sharedRefs;
        })).ToArray();

        var reader = Task.Run(() =>
        {
            int reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                foreach (var (labels, samples) in Select(head, long.MinValue, long.MaxValue, LabelMatcher.Regex("__name__", "own|shared")))
                {
                    bool isShared = labels.Get("__name__") == "shared";
                    for (int i = 0; i < samples.Count; i++)
                    {
                        var (t, bits) = samples[i];
                        Assert.True(i == 0 || samples[i - 1].T < t, $"{labels}: not strictly increasing at {t}");
                        double expected = isShared ? t % Writers : t / 1000;
                        Assert.Equal(Bits(expected), bits);
                    }
                }

                reads++;
            }

            return reads;
        });

        var refs = await Task.WhenAll(writers);
        await done.CancelAsync();
        Assert.True(await reader > 0);

        for (int i = 0; i < SharedSeries; i++)
        {
            Assert.All(refs, r => Assert.Equal(refs[0][i], r[i]));
        }

        Assert.Equal((Writers * OwnSeries) + SharedSeries, head.SeriesCount);
        var final = Select(head, long.MinValue, long.MaxValue, LabelMatcher.Regex("__name__", ".+"));
        Assert.Equal((Writers * OwnSeries) + SharedSeries, final.Count);
        foreach (var (labels, samples) in final)
        {
            int expectedCount = labels.Get("__name__") == "shared" ? Rounds * Writers : Rounds;
            Assert.Equal(expectedCount, samples.Count);
        }
    }

    private static string Invariant(int i) => i.ToString(CultureInfo.InvariantCulture);
}
