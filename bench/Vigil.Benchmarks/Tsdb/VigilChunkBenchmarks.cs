using BenchmarkDotNet.Attributes;
using Vigil.Tsdb.Chunks;

namespace Vigil.Benchmarks.Tsdb;

/// <summary>
/// The vigil-decimal block chunk (<see cref="VigilChunkEncoder"/>), on <see cref="ChunkBenchmarks"/>' series but
/// in block chunks of 480 samples (2 h at 15 s). Encode is one whole chunk from decoded samples, as a block write
/// does it; Decode is <see cref="VigilChunkIterator.Reset"/> (Brotli and varints into the pooled arrays) and a
/// walk over every sample. OperationsPerInvoke makes Mean and Allocated per sample; encoder and iterator are
/// reused, as a block write and a block query reuse them, so Allocated should read 0 B.
/// </summary>
[MemoryDiagnoser]
public class VigilChunkBenchmarks
{
    private const int Samples = 480;

    private readonly VigilChunkEncoder _encoder = new();
    private readonly VigilChunkIterator _iterator = new();
    private long[] _timestamps = [];
    private ulong[] _bits = [];
    private byte[] _encoded = [];

    [Params("counter", "gauge", "constant")]
    public string Series { get; set; } = "counter";

    [GlobalSetup]
    public void Setup()
    {
        (_timestamps, var values) = ChunkBenchmarks.Generate(Series, Samples);
        _bits = values.Select(BitConverter.DoubleToUInt64Bits).ToArray();
        _encoded = _encoder.Encode(_timestamps, _bits).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _iterator.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public int Encode() => _encoder.Encode(_timestamps, _bits).Length;

    [Benchmark(OperationsPerInvoke = Samples)]
    public double Decode()
    {
        _iterator.Reset(_encoded);
        double sum = 0;
        while (_iterator.Next())
        {
            var (t, v) = _iterator.At();
            sum += v + t;
        }

        return sum;
    }
}
