using System.Net;
using System.Net.Sockets;

namespace Vigil.TestShared;

/// <summary>
/// The listener lifecycle of the tests' hand-written HTTP servers: 127.0.0.1 on a free port, one task per
/// connection, and a dispose that stops accepting and cancels what is being served. Subclasses answer a connection
/// in <see cref="ServeAsync"/> and call <see cref="Start"/> at the end of their constructor. Compiled into each
/// test project that needs it (linked source), so unit-test projects need not reference the host.
/// </summary>
internal abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _accept = Task.CompletedTask;

    protected int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Fires when the server is disposed; serving should stop.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    protected void Start()
    {
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    /// <summary>Serves one connection and disposes it.</summary>
    protected abstract Task ServeAsync(TcpClient client);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }
}
