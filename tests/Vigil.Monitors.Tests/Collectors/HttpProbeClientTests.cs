using Vigil.Monitors.Collectors;
using Vigil.Monitors.Collectors.Http;
using Vigil.Monitors.Metrics;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>The website monitor's own HTTP/1.1 connection: message framing, connection reuse, TLS, and what it keeps when idle.</summary>
public sealed class HttpProbeClientTests
{
    private static readonly ProbeRequest Get = new("GET", [], null, null);

    private static async Task<ProbeResponse> SendAsync(HttpProbeClient client, Uri url, ProbeRequest? request = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.SendAsync(request ?? Get, url, keepBody: true, cts.Token);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, true, 5L, "hello")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nhel\r\n2\r\nlo\r\n0\r\nX-Trailer: 1\r\n\r\n", 200, true, null, "hello")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 201, true, 2L, "ok")]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200, false, 2L, "ok")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, false, 2L, "ok")]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 200, true, 2L, "ok")]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", 204, true, null, "")]
    public async Task FramingDecidesTheBodyAndWhetherTheConnectionIsKept(string response, int status, bool kept, long? contentLength, string body)
    {
        await using var server = new ScriptedHttpServer((_, _) => (response, false));
        await using var client = new HttpProbeClient(false, null, null);
        var got = await SendAsync(client, server.Url());
        Assert.Equal((status, contentLength, body, body.Length), (got.Status, got.ContentLength, got.Body, (int)got.BodyBytes));
        Assert.Equal(kept, client.IsConnected);
    }

    [Fact]
    public async Task ABodyEndedByClosingIsCountedAndTheNextRoundReconnects()
    {
        await using var server = new ScriptedHttpServer((_, _) => ("HTTP/1.1 200 OK\r\n\r\nuntil the end", true));
        await using var client = new HttpProbeClient(false, null, null);
        for (var i = 0; i < 2; i++)
        {
            var got = await SendAsync(client, server.Url());
            Assert.Equal((200, 13L, "until the end"), (got.Status, got.BodyBytes, got.Body));
            Assert.False(client.IsConnected);
        }

        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task AKeptConnectionClosedWhileIdleIsReplacedWithoutAFailure()
    {
        // The server answers as if keeping the connection, then closes it: the next request finds it dead before any byte.
        await using var server = new ScriptedHttpServer((n, _) => ($"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{n}", true));
        await using var client = new HttpProbeClient(false, null, null);
        Assert.Equal("0", (await SendAsync(client, server.Url())).Body);
        await Task.Delay(100);
        Assert.Equal("1", (await SendAsync(client, server.Url())).Body);
        Assert.Equal((2, 2), (server.Accepted, server.Requests));
    }

    [Theory]
    [InlineData("garbage\r\n\r\n", "bad status line")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "closed inside the response body")]
    public async Task ABrokenResponseFailsTheRoundAsAConnectionError(string response, string message)
    {
        await using var server = new ScriptedHttpServer((_, _) => (response, true));
        await using var leases = new ConnectionLeases(ConnectionMetrics.Unregistered());
        var (probe, reason, got) = await ProbeRound.RunAsync(new HttpCollector(), HttpCollectorTests.Monitor("a", server.Url().ToString()), leases);
        Assert.Equal("connect", reason);
        Assert.Contains(message, got, StringComparison.Ordinal);
        Assert.Equal(0, probe["success"]);
    }

    [Fact]
    public async Task AHeaderWithALineBreakIsRefusedBeforeAnythingIsSent()
    {
        await using var server = new ScriptedHttpServer((_, _) => ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false));
        await using var client = new HttpProbeClient(false, null, null);
        var smuggling = Get with { Headers = [new("X-A", "1\r\nGET /other HTTP/1.1")] };
        var error = await Assert.ThrowsAsync<CollectException>(() => SendAsync(client, server.Url(), smuggling));
        Assert.Equal("config", error.Reason);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task TlsChecksTheCertificateUnlessToldNotToAndReportsItsExpiry()
    {
        using var certificate = ScriptedHttpServer.SelfSigned(days: 30);
        await using var server = new ScriptedHttpServer((_, _) => ("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret", false), certificate);
        await using (var verifying = new HttpProbeClient(false, null, null))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(verifying, server.Url()));
            Assert.False(verifying.IsConnected);
        }

        await using var skipping = new HttpProbeClient(true, null, null);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("secret", (await SendAsync(skipping, server.Url())).Body);
        }

        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(), (long)skipping.EarliestCertExpiry!.Value);
        Assert.Equal(2, server.Accepted); // the refused handshake, then one kept connection for three requests
    }

    [Fact]
    public async Task RequestHeadCarriesHostMethodHeadersAndBody()
    {
        string? seen = null;
        await using var server = new ScriptedHttpServer((_, head) =>
        {
            seen = head;
            return ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
        });
        await using var client = new HttpProbeClient(false, null, null);
        var request = new ProbeRequest("HEAD", [new("X-Probe", "vigil")], "Bearer t", null);
        var got = await SendAsync(client, server.Url("/path?q=a%20b"), request);
        Assert.Equal((200, 0L), (got.Status, got.BodyBytes));
        var url = server.Url();
        Assert.Equal($"HEAD /path?q=a%20b HTTP/1.1\r\nHost: 127.0.0.1:{url.Port}\r\nX-Probe: vigil\r\nAuthorization: Bearer t\r\n\r\n", seen);
    }
}
