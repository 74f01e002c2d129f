using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vigil.Kafka.Tests.Codec;

namespace Vigil.Kafka.Tests.Fake;

/// <summary>Garbled frames, version fallback and TLS, against the fake broker.</summary>
public sealed class ConnectionFaultTests
{
    private static KafkaClientOptions Plain(FakeBroker broker) => new()
    {
        BootstrapServers = [new KafkaEndpoint("127.0.0.1", broker.Port)],
        RequestTimeout = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task ApiVersionsFallsBackToV0WhenV3IsRefused()
    {
        // Per connection: a client of another test may reach this port if it once belonged to a destroyed mock broker.
        var asked = new System.Collections.Concurrent.ConcurrentDictionary<FakeConnection, List<short>>();
        FakeBroker? self = null;
        await using var broker = self = new FakeBroker(r =>
        {
            if (r.ApiKey == 18)
            {
                asked.GetOrAdd(r.Connection, _ => []).Add(r.Version);
            }

            return self!.Default(r);
        });
        broker.Apis[18] = (0, 2, 3);
        await using var client = await KafkaAdminClient.ConnectAsync(Plain(broker), default);
        Assert.Contains(asked.Values, versions => versions.SequenceEqual(new short[] { 3, 0 }));
        Assert.Equal(1, client.OpenConnections);
    }

    [Theory]
    [InlineData("wrong correlation id", "correlation id")]
    [InlineData("negative size", "response size -5")]
    [InlineData("huge size", "response size 2147483647")]
    [InlineData("garbled metadata", "Metadata v1 response")]
    public async Task GarbledAnswersFailAsProtocolErrorsNeverHangs(string fault, string expected)
    {
        FakeBroker? self = null;
        await using var broker = self = new FakeBroker(r => self!.Default(r));
        broker.RawFrame = r => r.ApiKey != 3 ? null : fault switch
        {
            "wrong correlation id" => new Fixture().I32(8).I32(r.CorrelationId + 1000).I32(0).ToArray(),
            "negative size" => new Fixture().I32(-5).ToArray(),
            "huge size" => new Fixture().I32(int.MaxValue).ToArray(),
            _ => new Fixture().I32(7).I32(r.CorrelationId).Raw(0, 0, 0).ToArray(),
        };
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(Plain(broker), default).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsWithTheCaFileAndServerNameConnects()
    {
        using var certificate = SelfSigned("localhost");
        var caFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        try
        {
            FakeBroker? self = null;
            await using var broker = self = new FakeBroker(r => self!.Default(r), tls: certificate);
            var options = Plain(broker) with { SecurityProtocol = KafkaSecurityProtocol.Ssl, TlsCaFile = caFile, TlsServerName = "localhost" };
            await using (var client = await KafkaAdminClient.ConnectAsync(options, default))
            {
                Assert.Single((await client.GetMetadataAsync(default)).Brokers);
            }

            var wrongName = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(options with { TlsServerName = "other" }, default));
            Assert.Contains("TLS handshake failed", wrongName.Message, StringComparison.Ordinal);
            var untrusted = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(options with { TlsCaFile = null }, default));
            Assert.Contains("TLS", untrusted.Message, StringComparison.Ordinal);
            await using var skip = await KafkaAdminClient.ConnectAsync(options with { TlsCaFile = null, TlsServerName = "other", TlsInsecureSkipVerify = true }, default);
            Assert.Equal(1, skip.OpenConnections);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
