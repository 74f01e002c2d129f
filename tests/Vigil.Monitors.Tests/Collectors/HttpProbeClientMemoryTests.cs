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
        listener.Listen(Count + 1);
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/");
        var answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();
        var accepted = new Socket[Count + 1];
        var clients = new HttpProbeClient[Count + 1];
        async Task ConnectAsync(int i)
        {
            clients[i] = new HttpProbeClient(false, null, null);
            var round = clients[i].SendAsync(new ProbeRequest("GET", [], null, null), url, keepBody: false, CancellationToken.None);
            accepted[i] = await listener.AcceptAsync();
            accepted[i].Send(answer);
            await round;
        }

        try
        {
            await ConnectAsync(Count); // the first pays for statics and code
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < Count; i++)
            {
                await ConnectAsync(i);
            }

            var perClient = (GC.GetTotalMemory(forceFullCollection: true) - before) / Count;
            Assert.All(clients, c => Assert.True(c.IsConnected));
            // An HttpClient per monitor kept 8 KiB of connection buffers alone, plus its handler and pool (~11 KiB).
            Assert.True(perClient <= 3072, $"{perClient} bytes per idle connected client");
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
