using System.Security.Cryptography;
using System.Text;
using Vigil.Kafka.Tests.Codec;

namespace Vigil.Kafka.Tests.Fake;

/// <summary>
/// SASL against a fake broker: the librdkafka mock has no SASL (its ApiVersions lists no SaslHandshake), so these
/// use <see cref="FakeBroker"/>, which checks credentials and speaks SaslHandshake v0–1 and SaslAuthenticate v0–2.
/// </summary>
public sealed class SaslTests
{
    [Fact]
    public void ScramSha256MatchesRfc7677sExample()
    {
        var scram = new ScramSasl("user", "pencil", ScramSasl.Sha256, clientNonce: "rOprNGfwEbeRWgbNEkqO");
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Encoding.UTF8.GetString(scram.First()));
        var final = scram.Next(Encoding.UTF8.GetBytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Encoding.UTF8.GetString(final!));
        Assert.Null(scram.Next(Encoding.UTF8.GetBytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    }

    [Theory]
    [InlineData("r=other,s=AAAA,i=4096", "nonce")]
    [InlineData("r=abcX,s=***,i=4096", "base64")]
    [InlineData("r=abcX,s=AAAA,i=999999999", "iteration")]
    [InlineData("r=abcX,i=4096", "lacks s=")]
    public void ScramRefusesABadServerFirstMessage(string serverFirst, string reason)
    {
        var scram = new ScramSasl("u", "p", ScramSasl.Sha256, clientNonce: "abc");
        var error = Assert.Throws<KafkaException>(() => scram.Next(Encoding.UTF8.GetBytes(serverFirst)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(KafkaErrorCodes.SaslAuthenticationFailed, error.ErrorCode);
    }

    [Theory]
    [InlineData(nameof(KafkaSaslMechanism.ScramSha256), 2)]
    [InlineData(nameof(KafkaSaslMechanism.ScramSha512), 1)]
    [InlineData(nameof(KafkaSaslMechanism.Plain), 0)]
    public async Task AuthenticatesThenServesRequests(string mechanismName, short authenticateMax)
    {
        var mechanism = Enum.Parse<KafkaSaslMechanism>(mechanismName);
        await using var broker = SaslBroker(mechanism, "alice", "secret");
        broker.Apis[36] = (0, authenticateMax, 2);
        await using var client = await KafkaAdminClient.ConnectAsync(broker.Options(mechanism, "alice", "secret"), default);
        var metadata = await client.GetMetadataAsync(default);
        Assert.Equal(broker.Port, Assert.Single(metadata.Brokers).Port);
        Assert.Equal(1, client.OpenConnections);
    }

    [Theory]
    [InlineData(nameof(KafkaSaslMechanism.ScramSha256))]
    [InlineData(nameof(KafkaSaslMechanism.Plain))]
    public async Task AWrongPasswordFailsNamingTheReason(string mechanismName)
    {
        var mechanism = Enum.Parse<KafkaSaslMechanism>(mechanismName);
        await using var broker = SaslBroker(mechanism, "alice", "secret");
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(broker.Options(mechanism, "alice", "wrong"), default));
        Assert.Contains("SASL_AUTHENTICATION_FAILED", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{broker.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatCannotSignIsRefused()
    {
        await using var broker = SaslBroker(KafkaSaslMechanism.ScramSha256, "alice", "secret", signingPassword: "impostor");
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(broker.Options(KafkaSaslMechanism.ScramSha256, "alice", "secret"), default));
        Assert.Contains("signature is wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMechanismTheBrokerDoesNotEnableIsNamedWithTheEnabledOnes()
    {
        await using var broker = SaslBroker(KafkaSaslMechanism.Plain, "alice", "secret");
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(broker.Options(KafkaSaslMechanism.ScramSha512, "alice", "secret"), default));
        Assert.Contains("SCRAM-SHA-512 refused (UNSUPPORTED_SASL_MECHANISM)", error.Message, StringComparison.Ordinal);
        Assert.Contains("enables: PLAIN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandshakeV0SendsRawTokens()
    {
        string? seen = null;
        FakeBroker? self = null;
        await using var broker = self = new FakeBroker(
            r => r.ApiKey == 17 ? Handshake(r, "PLAIN") : self!.Default(r),
            (token, _) =>
            {
                seen = Encoding.UTF8.GetString(token);
                return seen == "\0bob\0pw" ? [] : null; // an empty token accepts; closing refuses, as brokers before 1.0 do
            });
        broker.Apis[17] = (0, 0, 99);
        broker.Apis.Remove(36);
        await using var client = await KafkaAdminClient.ConnectAsync(broker.Options(KafkaSaslMechanism.Plain, "bob", "pw"), default);
        Assert.Equal("\0bob\0pw", seen);
        Assert.Single((await client.GetMetadataAsync(default)).Brokers);

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(broker.Options(KafkaSaslMechanism.Plain, "bob", "nope"), default));
        Assert.Contains("during SASL authentication", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A broker enabling one mechanism for one user; SaslAuthenticate answers in the version asked.</summary>
    private static FakeBroker SaslBroker(KafkaSaslMechanism mechanism, string user, string password, string? signingPassword = null)
    {
        var name = KafkaSasl.MechanismName(mechanism);
        FakeBroker? broker = null;
        broker = new FakeBroker(r => r.ApiKey switch
        {
            17 => Handshake(r, name),
            36 => Authenticate(r, mechanism, user, password, signingPassword, broker!.IsFlexible(36, r.Version)),
            _ => broker!.Default(r),
        });
        return broker;
    }

    private static byte[] Handshake(FakeRequest request, string enabled)
    {
        var asked = Encoding.UTF8.GetString(request.Body.AsSpan(2));
        request.Connection.RawTokenNext = request.Version == 0 && asked == enabled;
        return new Fixture().I16(asked == enabled ? 0 : 33).I32(1).Str(enabled).ToArray();
    }

    private static byte[] Authenticate(FakeRequest request, KafkaSaslMechanism mechanism, string user, string password, string? signingPassword, bool flexible)
    {
        var reader = new KafkaReader(request.Body, "SaslAuthenticate request");
        var token = Encoding.UTF8.GetString(reader.ReadBytes(flexible));
        string? reply;
        string? error;
        if (mechanism == KafkaSaslMechanism.Plain)
        {
            (reply, error) = token == $"\0{user}\0{password}" ? ("", (string?)null) : (null, "bad credentials");
        }
        else
        {
            var hash = mechanism == KafkaSaslMechanism.ScramSha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
            var server = request.Connection.State.TryGetValue("scram", out var s) ? (ScramServer)s : new ScramServer(hash, user, password, signingPassword);
            request.Connection.State["scram"] = server;
            (reply, error) = server.Step(token);
        }

        var f = new Fixture(flexible).I16(error is null ? 0 : 58).NStr(error).Bytes(Encoding.UTF8.GetBytes(reply ?? ""));
        return f.If(request.Version >= 1, x => x.I64(0)).Tags().ToArray();
    }
}
