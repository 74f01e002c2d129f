using System.Net.Sockets;
using System.Text;
using Vigil.TestShared;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>A keep-alive HTTP/1.1 server answering every GET with the current page; a test swaps the page between rounds.</summary>
internal sealed class ExpositionServer : LoopbackHttpServer
{
    private volatile string _page;
    private volatile string _status = "200 OK";

    public ExpositionServer(string page, string contentType = "text/plain; version=0.0.4")
    {
        _page = page;
        ContentType = contentType;
        Start();
    }

    public string ContentType { get; set; }

    public string Url => $"http://127.0.0.1:{Port}/metrics";

    public int Requests;

    public void Serve(string page, string status = "200 OK")
    {
        _page = page;
        _status = status;
    }

    protected override async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                while (await reader.ReadLineAsync(Stopping) is { } line)
                {
                    if (line.Length > 0)
                    {
                        continue;
                    }

                    // A GET has no body: the blank line ends the request.
                    Interlocked.Increment(ref Requests);
                    var body = Encoding.UTF8.GetBytes(_page);
                    var head = $"HTTP/1.1 {_status}\r\nContent-Type: {ContentType}\r\nContent-Length: {body.Length}\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Stopping);
                    await stream.WriteAsync(body, Stopping);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
