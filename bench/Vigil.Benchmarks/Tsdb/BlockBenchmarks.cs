using System.Globalization;
using BenchmarkDotNet.Attributes;
using Vigil.Tsdb;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;

namespace Vigil.Benchmarks.Tsdb;

/// <summary>
/// Writing and reading an on-disk block of 100,000 series × 120 samples (issue 5): <c>__name__</c> (10 values) ×
/// <c>job</c> (10) × <c>instance</c> (1,000), one sample every 15 s, so each series is one full XOR chunk (a head
/// cut at 2 h hands over chunks like these). The block lives in the system's temp directory.
/// </summary>
/// <remarks>
/// <c>WriteBlock</c> is one whole <see cref="BlockWriter.Write"/> from chunks already encoded (the head's part, its
/// chunks, is not measured): chunk segments, index, meta.json, every fsync and the rename. The selects read every
/// sample of their result from the memory-mapped block, as <c>HeadSelectBenchmarks</c> does from the head.
/// </remarks>
[MemoryDiagnoser]
public class BlockBenchmarks
{
    private const int Series = 100_000;
    private const int SamplesPerSeries = 120;
    private const long Step = 15_000;
    private const long BlockRange = 2 * 3_600_000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "vigil-bench-blocks-" + Guid.NewGuid().ToString("N"));
    private List<SeriesChunks> _series = [];
    private BlockDirectory _blocks = null!;
    private LabelMatcher[] _literalSet = [];
    private LabelMatcher[] _regex = [];
    private ISampleIterator? _reuse;

    [GlobalSetup]
    public void Setup()
    {
        using (var head = new Head())
        {
            string[] names = Values("metric_", 10, "D");
            string[] jobs = Values("job-", 10, "D");
            string[] instances = Values("host-", 1000, "D3");
            var rng = new Random(5);
            for (int i = 0; i < Series; i++)
            {
                var r = head.GetOrCreate(Labels.FromPairs(("__name__", names[i % 10]), ("job", jobs[i / 10 % 10]), ("instance", instances[i / 100])));
                double v = 0;
                for (int s = 0; s < SamplesPerSeries; s++)
                {
                    head.Append(r, s * Step, v += rng.Next(8) == 0 ? 0 : rng.Next(1, 1000));
                }
            }

            _series = head.ChunksInRange(0, BlockRange).ToList();
        }

        _blocks = BlockDirectory.Open(Path.Combine(_root, "read"));
        var block = _blocks.WriteBlock(_series, 0, BlockRange)!;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// block: index {block.Index.Size} B, chunks {block.Chunks.Size} B, {(double)block.Size / block.Meta.Stats.NumSamples:F2} B/sample"));

        // The same selectors as HeadSelectBenchmarks: 2,000 series through the literal-set shortcut, 1,000 through a regex.
        _literalSet = [LabelMatcher.Equal("__name__", "metric_3"), LabelMatcher.Regex("job", "job-1|job-2")];
        _regex = [LabelMatcher.Equal("__name__", "metric_3"), LabelMatcher.Regex("instance", "host-1[0-9]+")];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _blocks.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [IterationCleanup(Target = nameof(WriteBlock))]
    public void DeleteWritten()
    {
        string written = Path.Combine(_root, "write");
        if (Directory.Exists(written))
        {
            Directory.Delete(written, recursive: true);
        }
    }

    [Benchmark]
    public long WriteBlock() => BlockWriter.Write(Path.Combine(_root, "write"), _series, 0, BlockRange)!.Stats.NumSamples;

    [Benchmark]
    public double SelectEqualAndLiteralSet() => SelectAndRead(_literalSet);

    [Benchmark]
    public double SelectEqualAndRegex() => SelectAndRead(_regex);

    private double SelectAndRead(LabelMatcher[] matchers) => TsdbBench.SelectAndRead(_blocks, matchers, ref _reuse);

    private static string[] Values(string prefix, int count, string format) => TsdbBench.Values(prefix, count, format);
}
