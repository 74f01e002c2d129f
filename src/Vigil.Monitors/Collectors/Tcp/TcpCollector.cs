using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Vigil.Common.Config;

namespace Vigil.Monitors.Collectors.Tcp;

/// <summary>
/// The <c>tcp</c> protocol (template <c>port</c>), as blackbox_exporter's tcp prober: connect, optionally send a
/// text and wait for a reply that matches <c>expect</c>, then close. A fresh connection each round is the point
/// (its connect time is measured), so this collector holds no lease.
/// </summary>
internal sealed class TcpCollector : ICollector
{
    public const string Name = "tcp";

    private const int MaxReplyBytes = 64 * 1024;

    public string Protocol => Name;

    public async Task CollectAsync(CollectContext context, CancellationToken cancellationToken)
    {
        var monitor = context.Monitor;
        var host = monitor.Text("host") ?? throw new CollectException("config", "host is not set");
        var port = int.Parse(monitor.Text("port") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var timeout = context.ParamTimeout();
        var expect = TextMatcher.Parse(monitor.Text("expect"));
        var probe = context.Rows.Add("probe");
        var started = Stopwatch.GetTimestamp();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var received = new StrongBox<int>();
        try
        {
            await socket.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            probe?.Set("connect_duration", Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (monitor.Text("send") is { Length: > 0 } send)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(send), SocketFlags.None, cts.Token).ConfigureAwait(false);
            }

            if (expect is not null && !await ReadUntilAsync(socket, expect, received, cts.Token).ConfigureAwait(false))
            {
                context.FailProbe(probe, started, "expect", $"the reply does not match {expect}");
                return;
            }

            probe?.Set("success", 1).Set("duration", Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested && received.Value > 0)
        {
            // The peer answered but kept the connection open without ever matching: a wrong reply, not a silent peer.
            context.FailProbe(probe, started, "expect", $"the reply does not match {expect}");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.FailProbe(probe, started, "timeout", $"no {(socket.Connected ? "reply" : "connection")} within {PromDuration.Format(timeout)}");
        }
        catch (SocketException ex)
        {
            context.FailProbe(probe, started, "connect", ex.Message);
        }
    }

    /// <summary>Reads until the reply so far matches, the peer closes, or <see cref="MaxReplyBytes"/>.</summary>
    private static async Task<bool> ReadUntilAsync(Socket socket, TextMatcher expect, StrongBox<int> received, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxReplyBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            received.Value = length;
            if (expect.IsMatch(Encoding.UTF8.GetString(buffer, 0, length)))
            {
                return true;
            }
        }

        return false;
    }
}
