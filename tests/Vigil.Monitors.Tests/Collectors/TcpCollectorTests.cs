using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Monitors.Collectors.Tcp;

namespace Vigil.Monitors.Tests.Collectors;

public sealed class TcpCollectorTests
{
    private static Task<(Dictionary<string, double> Probe, string? Reason, string? Message)> CollectAsync(int port, params (string Field, string Value)[] extra) =>
        ProbeRound.RunAsync(new TcpCollector(), ProbeRound.Monitor("port", "t", [("host", "127.0.0.1"), ("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. extra]));

    /// <summary>Accepts connections; answers the first read with <paramref name="reply"/> (null: never answers).</summary>
    private static (TcpListener Listener, Task Serving) Serve(string? reply, CancellationToken stop)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(stop);
                    _ = Task.Run(() => AnswerAsync(client, reply, stop), stop);
                }
            },
            stop);
        return (listener, serving);
    }

    private static async Task AnswerAsync(TcpClient client, string? reply, CancellationToken stop)
    {
        using (client)
        {
            var buffer = new byte[256];
            var read = await client.GetStream().ReadAsync(buffer, stop);
            if (reply is not null && read > 0)
            {
                await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(reply), stop);
            }

            await Task.Delay(Timeout.Infinite, stop);
        }
    }

    [Theory]
    [InlineData("", "", null)]
    [InlineData("PING\r\n", "PONG", null)]
    [InlineData("PING\r\n", "/^PO.G/", null)]
    [InlineData("PING\r\n", "nope", "expect")]
    public async Task ConnectsSendsAndExpects(string send, string expect, string? reason)
    {
        using var stop = new CancellationTokenSource();
        var (listener, _) = Serve("PONG\r\n", stop.Token);
        try
        {
            var (probe, gotReason, _) = await CollectAsync(((IPEndPoint)listener.LocalEndpoint).Port, ("send", send), ("expect", expect), ("timeout", "1s"));
            Assert.Equal(reason, gotReason);
            Assert.Equal(reason is null ? 1 : 0, probe["success"]);
            Assert.True(probe["connect_duration"] >= 0);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
        }
    }

    [Fact]
    public async Task RefusedAndSilentTargets()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var (probe, reason, _) = await CollectAsync(port);
        Assert.Equal(("connect", 0.0), (reason, probe["success"]));

        using var stop = new CancellationTokenSource();
        var (listener, _) = Serve(null, stop.Token);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (silent, silentReason, message) = await CollectAsync(((IPEndPoint)listener.LocalEndpoint).Port, ("send", "x"), ("expect", "y"), ("timeout", "300ms"));
            Assert.Equal(("timeout", "no reply within 300ms"), (silentReason, message));
            Assert.InRange(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, 290, 2000);
            Assert.Equal(0, silent["success"]);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
        }
    }
}
