using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Vigil.TestShared;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>
/// An HTTP/1.1 server whose answers are raw bytes chosen per request (the n-th of the server, from 0), so a test
/// can send what a well-behaved server rarely does: chunks, interim responses, a body ended by closing, a keep-alive
/// connection closed while idle. With a certificate it speaks TLS.
/// </summary>
internal sealed class ScriptedHttpServer : LoopbackHttpServer
{
    private readonly Func<int, string, (string Response, bool Close)> _answer;
    private readonly X509Certificate2? _certificate;
    private int _requests;
    private int _accepted;

    public ScriptedHttpServer(Func<int, string, (string Response, bool Close)> answer, X509Certificate2? certificate = null)
    {
        _answer = answer;
        _certificate = certificate;
        Start();
    }

    public Uri Url(string path = "/") => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}{path}");

    public int Accepted => Volatile.Read(ref _accepted);

    public int Requests => Volatile.Read(ref _requests);

    protected override async Task ServeAsync(TcpClient client)
    {
        Interlocked.Increment(ref _accepted);
        try
        {
            using (client)
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, Stopping);
                    stream = tls;
                }

                await using (stream)
                {
                    while (await CountingHttpServer.ReadRequestAsync(stream, Stopping) is { } head)
                    {
                        var (response, close) = _answer(Interlocked.Increment(ref _requests) - 1, head);
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(response), Stopping);
                        if (close)
                        {
                            return;
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1, valid for <paramref name="days"/> days.</summary>
    public static X509Certificate2 SelfSigned(int days)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(days));
        // Through PKCS#12, so the private key is usable by the platform's TLS (OpenSSL).
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
