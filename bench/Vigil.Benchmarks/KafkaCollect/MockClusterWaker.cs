using System.Buffers.Binary;
using System.Net.Sockets;

namespace Vigil.Benchmarks.KafkaCollect;

/// <summary>
/// Keeps a mock cluster's thread waking up while many topics are created. librdkafka 2.0.2's mock thread sometimes
/// misses the wake-up of a queued admin op (rd_kafka_mock_topic_create then waits forever, seen from a few hundred
/// topics on); it serves its op queue after every I/O event, so a steady trickle of ApiVersions requests on one
/// connection keeps creation moving. Only the benchmark's set-up needs it.
/// </summary>
internal sealed class MockClusterWaker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MockClusterWaker(int port)
    {
        _loop = Task.Run(() => RunAsync(port, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(int port, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, stop).ConfigureAwait(false);
        var request = new byte[14];
        var response = new byte[4096];
        for (var correlation = 1; !stop.IsCancellationRequested; correlation++)
        {
            // ApiVersions v0: size, api key 18, version 0, correlation id, null client id.
            BinaryPrimitives.WriteInt32BigEndian(request, 10);
            BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(4), 18);
            BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(6), 0);
            BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), correlation);
            BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(12), -1);
            await socket.SendAsync(request, stop).ConfigureAwait(false);
            await socket.ReceiveAsync(response, stop).ConfigureAwait(false);
            await Task.Delay(2, stop).ConfigureAwait(false);
        }
    }
}
