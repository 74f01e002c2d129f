using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Vigil.TestShared;
using System.Text;

namespace Vigil.Scrape.Tests.Loop;

/// <summary>How the test target answers one scrape.</summary>
/// <param name="Body">The body bytes as sent (already compressed when <paramref name="Gzip"/>).</param>
/// <param name="Status">HTTP status code.</param>
/// <param name="ContentType">Content-Type header.</param>
/// <param name="Gzip">Add Content-Encoding: gzip; the test compresses <paramref name="Body"/> once with <see cref="TargetResponse.Compress"/>.</param>
/// <param name="Hang">Read the request and never answer.</param>
/// <param name="ByteDelay">Write the response one byte at a time with this pause between bytes.</param>
/// <param name="CloseAfter">Declare the full Content-Length but close after this many body bytes.</param>
internal sealed record TargetResponse(
    byte[] Body,
    int Status = 200,
    string ContentType = "text/plain; version=0.0.4; charset=utf-8",
    bool Gzip = false,
    bool Hang = false,
    TimeSpan ByteDelay = default,
    int? CloseAfter = null)
{
    public static TargetResponse Text(string body) => new(Encoding.UTF8.GetBytes(body));

    public static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}

/// <summary>
/// A scrape target on 127.0.0.1:0 speaking just enough HTTP/1.1: one request per connection (Connection: close),
/// answered by <see cref="Respond"/>, which tests may swap between scrapes. It records request headers.
/// </summary>
internal sealed class TestTargetServer : LoopbackHttpServer
{

    private volatile TargetResponse _response;

    public TestTargetServer(TargetResponse response)
    {
        _response = response;
        Start();
    }

    public TargetResponse Response
    {
        get => _response;
        set => _response = value;
    }

    /// <summary>Header blocks of the requests received, lower-cased names.</summary>
    public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

    public Uri Url => new($"http://127.0.0.1:{Port}/metrics");

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                Requests.Enqueue(await ReadHeadAsync(stream));
                TargetResponse response = Response;
                if (response.Hang)
                {
                    await Task.Delay(Timeout.Infinite, Stopping);
                }

                byte[] body = response.Body;
                var head = new StringBuilder();
                head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} Status{response.Status}\r\n");
                head.Append(CultureInfo.InvariantCulture, $"Content-Type: {response.ContentType}\r\n");
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n");
                if (response.Gzip)
                {
                    head.Append("Content-Encoding: gzip\r\n");
                }

                head.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), Stopping);
                if (response.ByteDelay > TimeSpan.Zero)
                {
                    for (int i = 0; i < body.Length; i++)
                    {
                        await stream.WriteAsync(body.AsMemory(i, 1), Stopping);
                        await Task.Delay(response.ByteDelay, Stopping);
                    }
                }
                else
                {
                    int count = response.CloseAfter ?? body.Length;
                    await stream.WriteAsync(body.AsMemory(0, count), Stopping);
                }

                await stream.FlushAsync(Stopping);
                if (response.CloseAfter is not null)
                {
                    // An abortive close (RST) after the partial body: the client sees the connection die mid-body.
                    client.Client.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static async Task<Dictionary<string, string>> ReadHeadAsync(NetworkStream stream)
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

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        return headers;
    }
}
