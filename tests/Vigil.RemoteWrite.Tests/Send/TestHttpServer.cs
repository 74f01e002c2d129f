using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Vigil.TestShared;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Vigil.RemoteWrite.Tests.Send;

/// <summary>A request as the test server saw it: header names lower-cased.</summary>
internal sealed record ReceivedRequest(string Method, string Path, Dictionary<string, string> Headers, byte[] Body);

/// <summary>What the test server answers; <see cref="Hang"/> keeps the connection open without answering.</summary>
internal sealed record CannedResponse(int Status, string Body = "", (string Name, string Value)[]? Headers = null, bool Hang = false);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1:0 that records requests and answers each with
/// <see cref="Respond"/>, one request per connection (Connection: close). Enough for a client test, and it sees
/// exactly the bytes the client sent.
/// </summary>
internal sealed class TestHttpServer : LoopbackHttpServer
{
    private readonly X509Certificate2? _certificate;

    /// <param name="certificate">When set, the server speaks TLS with it (https).</param>
    public TestHttpServer(Func<ReceivedRequest, CannedResponse> respond, X509Certificate2? certificate = null)
    {
        Respond = respond;
        _certificate = certificate;
        Start();
    }

    public Func<ReceivedRequest, CannedResponse> Respond { get; set; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri Url => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}/api/v1/write");

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(_certificate);
                    stream = tls;
                }

                ReceivedRequest request = await ReadRequestAsync(stream);
                Requests.Enqueue(request);
                CannedResponse response = Respond(request);
                if (response.Hang)
                {
                    await Task.Delay(Timeout.Infinite, Stopping);
                }

                byte[] body = Encoding.UTF8.GetBytes(response.Body);
                var head = new StringBuilder();
                head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} Status{response.Status}\r\n");
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n");
                foreach ((string name, string value) in response.Headers ?? [])
                {
                    head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
                }

                head.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
                await stream.WriteAsync(body);
                await stream.FlushAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException
                or System.Security.Authentication.AuthenticationException)
            {
            }
        }
    }

    private static async Task<ReceivedRequest> ReadRequestAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 4 || !(buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("client closed before the end of the request head");
            }

            buffer.Add(one[0]);
        }

        string[] lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        int length = headers.TryGetValue("content-length", out string? cl) ? int.Parse(cl, CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return new ReceivedRequest(start[0], start[1], headers, body);
    }
}
