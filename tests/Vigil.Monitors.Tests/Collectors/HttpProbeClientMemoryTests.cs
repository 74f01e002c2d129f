using System.Net;
using System.Net.Sockets;
using Vigil.Monitors.Collectors.Http;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>Alone (no other test allocating beside it), since it reads the whole managed heap.</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

/// <summary>What an idle website monitor's connection keeps (issue 7: 10,000 monitors under 400 MiB).</summary>
[Collection(nameof(HeapMeasurement))]
public sealed class HttpProbeClientMemoryTests
{
    [Fact]
    public async Task AnIdleConnectedProbeKeepsNoBuffers()
    {
        const int Count = 200;
        // The server side is bare accepted sockets, answered before the request is read, so that nearly all the heap
        // the loop adds is the clients'.
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(2 * Count);
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/");
        var answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
        var accepted = new Socket[2 * Count];
        var clients = new HttpProbeClient[2 * Count];
        async Task RoundsAsync(int from, int to)
        {
            // All at once, so each exchange rents its own buffer and most are not pooled again afterwards: a
            // connection that kept a reference to its last buffer would keep one of those alive.
            var rounds = new Task<ProbeResponse>[to - from];
            for (var i = from; i < to; i++)
            {
                clients[i] ??= new HttpProbeClient(false, null, null);
                rounds[i - from] = clients[i].SendAsync(new ProbeRequest("GET", [], null, null), url, keepBody: false, CancellationToken.None);
            }

            for (var i = from; i < to; i++)
            {
                accepted[i] ??= await listener.AcceptAsync();
                accepted[i].Send(answer);
            }

            await Task.WhenAll(rounds);
        }

        try
        {
            // As many clients first, closed again: they pay for statics and code, and leave the buffer pool as full
            // as the measured round will (the pool's arrays are shared, not the clients').
            await RoundsAsync(Count, 2 * Count);
            for (var i = Count; i < 2 * Count; i++)
            {
                await clients[i].DisposeAsync();
                accepted[i].Dispose();
            }

            var before = GC.GetTotalMemory(forceFullCollection: true);
            await RoundsAsync(0, Count);
            await RoundsAsync(0, Count); // a second round on the kept connections

            var perClient = (GC.GetTotalMemory(forceFullCollection: true) - before) / Count;
            Assert.All(clients[..Count], c => Assert.True(c.IsConnected));
            // Measured 3.6 KiB with the server's accepted socket. An HttpClient per monitor kept 8 KiB of connection
            // buffers alone, plus its handler and pool (~11 KiB); a NetworkStream under this client kept its last
            // rented buffer referenced from the socket (6.4 KiB here).
            Assert.True(perClient <= 4096, $"{perClient} bytes per idle connected client");
        }
        finally
        {
            foreach (var client in clients)
            {
                await (client?.DisposeAsync() ?? ValueTask.CompletedTask);
            }

            foreach (var socket in accepted)
            {
                socket?.Dispose();
            }
        }
    }
}
