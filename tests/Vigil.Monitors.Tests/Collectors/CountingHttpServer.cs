using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Vigil.TestShared;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>
/// A keep-alive HTTP/1.1 server that counts what a lifecycle test asserts on: connections open now, accepted in
/// all, and the order of events (accepts, requests, closes) on a clock shared by every server of the test.
/// </summary>
internal sealed class CountingHttpServer : LoopbackHttpServer
{
    private static long _clock;
    private int _open;
    private int _accepted;

    public CountingHttpServer(string body, TimeSpan? delay = null)
    {
        Body = body;
        Delay = delay;
        Start();
    }

    public string Body { get; }

    /// <summary>How long to wait before answering; <see cref="Timeout.InfiniteTimeSpan"/> never answers.</summary>
    public TimeSpan? Delay { get; }

    public new int Port => base.Port;

    public string Url => $"http://127.0.0.1:{Port}/";

    public int Open => Volatile.Read(ref _open);

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>(tick on the shared clock, "accept" | "request" | "close").</summary>
    public ConcurrentQueue<(long Tick, string Event, string Detail)> Events { get; } = new();

    /// <summary>Headers of every request, for asserting on what the client sent.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task ServeAsync(TcpClient client)
    {
        Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _accepted);
        Events.Enqueue((Interlocked.Increment(ref _clock), "accept", ""));
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                while (await ReadRequestAsync(stream, Stopping) is { } head)
                {
                    Requests.Enqueue(head);
                    Events.Enqueue((Interlocked.Increment(ref _clock), "request", head.Split(' ')[1]));
                    if (Delay is { } delay)
                    {
                        await Task.Delay(delay, Stopping);
                    }

                    var body = Encoding.UTF8.GetBytes(head.Contains("/redirect", StringComparison.Ordinal) ? "" : Body);
                    var status = head.Contains("/redirect", StringComparison.Ordinal) ? "302 Found\r\nLocation: /final" : head.Contains("/missing", StringComparison.Ordinal) ? "404 Not Found" : "200 OK";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\n\r\n"), Stopping);
                    await stream.WriteAsync(body, Stopping);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Events.Enqueue((Interlocked.Increment(ref _clock), "close", ""));
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>The request head (and its body skipped), or null when the client closed.</summary>
    internal static async Task<string?> ReadRequestAsync(Stream stream, CancellationToken stopping)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, stopping) == 0)
            {
                return null;
            }

            head.Append((char)one[0]);
        }

        var text = head.ToString();
        var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            var remaining = int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var body = new byte[remaining];
            await stream.ReadExactlyAsync(body, stopping);
        }

        return text;
    }
}
