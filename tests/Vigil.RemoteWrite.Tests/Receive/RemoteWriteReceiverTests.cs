using Vigil.Common.Metrics;
using Vigil.RemoteWrite.Codec;
using Vigil.RemoteWrite.Receive;
using Vigil.RemoteWrite.Tests.Codec;
using Vigil.Wal;

namespace Vigil.RemoteWrite.Tests.Receive;

/// <summary>The receive handler over a real WAL, without HTTP.</summary>
public sealed class RemoteWriteReceiverTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vigil-tests", "receiver-" + Guid.NewGuid().ToString("N"));
    private readonly MetricsRegistry _registry = new();
    private readonly MetricsScope _process;
    private readonly MetricsScope _run;
    private readonly Wal.Wal _wal;
    private readonly RemoteWriteReceiver _receiver;

    public RemoteWriteReceiverTests()
    {
        _process = _registry.CreateScope();
        var metrics = new ReceiverMetrics(_process);
        _run = _registry.CreateScope();
        _wal = Wal.Wal.Open(_directory, WalOptions.Default);
        _receiver = new RemoteWriteReceiver(_wal, metrics.Bind(_run, "test"), 32 << 20);
    }

    [Fact]
    public async Task The_same_labels_in_another_order_are_one_series()
    {
        await Check(Request(Series(1, Pb.Label("b", "2"), Pb.Label("__name__", "m"), Pb.Label("a", "1"))), 204);
        await Check(Request(Series(2, Pb.Label("__name__", "m"), Pb.Label("a", "1"), Pb.Label("b", "2"))), 204);
        await Check(Request(Series(3, Pb.Label("b", "2"), Pb.Label("__name__", "m"), Pb.Label("a", "1"))), 204);

        Assert.Equal(1, _wal.Series.Count);
        Assert.Equal([1L, 2L, 3L], SampleTimestamps());
    }

    [Fact]
    public async Task An_invalid_series_is_rejected_every_time_it_is_sent()
    {
        var bad = Request(Series(1, Pb.Label("__name__", "m"), Pb.Label("a", "1"), Pb.Label("a", "2")));
        await Check(bad, 400);
        await Check(bad, 400);
        Assert.Equal(0, _wal.Series.Count);
        Assert.Empty(SampleTimestamps());
    }

    [Fact]
    public async Task Labels_interleaved_with_samples_resolve_to_the_same_series()
    {
        var interleaved = Request(Pb.Bytes(1, Pb.Label("__name__", "m"), Pb.Sample(1, 10), Pb.Label("a", "1")));
        var plain = Request(Series(20, Pb.Label("__name__", "m"), Pb.Label("a", "1")));
        await Check(interleaved, 204);
        await Check(plain, 204);
        await Check(interleaved, 204);
        Assert.Equal(1, _wal.Series.Count);
        Assert.Equal([10L, 10L, 20L], SampleTimestamps());
    }

    [Fact]
    public async Task Many_pushes_of_known_series_write_no_new_series_records()
    {
        for (var round = 0; round < 5; round++)
        {
            var series = Enumerable.Range(0, 100)
                .Select(i => Series(round, Pb.Label("__name__", "m"), Pb.Label("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                .ToArray();
            await Check(Request(series), 204);
        }

        _wal.Dispose();
        var inspection = WalInspector.Inspect(_directory);
        Assert.Equal(100, inspection.Series);
        Assert.Equal(500, inspection.Samples);
    }

    public void Dispose()
    {
        _wal.Dispose();
        _run.Dispose();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static byte[] Series(long timestamp, params byte[][] labels)
        => Pb.Bytes(1, [.. labels, Pb.Sample(1, timestamp)]);

    private static byte[] Request(params byte[][] series)
    {
        var raw = Pb.Concat(series);
        var compressed = new byte[Snappy.MaxEncodedLength(raw.Length)];
        return compressed.AsSpan(0, Snappy.Encode(raw, compressed)).ToArray();
    }

    private async Task Check(byte[] body, int expectedStatus)
    {
        var result = await _receiver.ReceiveAsync(body, RemoteWriteVersion.V1);
        Assert.True(expectedStatus == result.StatusCode, $"expected {expectedStatus}, got {result.StatusCode}: {result.Reason}");
    }

    private List<long> SampleTimestamps()
    {
        var timestamps = new List<long>();
        using var reader = WalReader.Open(_directory, new WalPosition(0, 0));
        while (reader.TryReadNext(out var record))
        {
            if (record.Type == WalRecordType.Samples)
            {
                foreach (var sample in WalRecordDecoder.EnumerateSamples(record.Payload))
                {
                    timestamps.Add(sample.TimestampMs);
                }
            }
        }

        timestamps.Sort();
        return timestamps;
    }
}
