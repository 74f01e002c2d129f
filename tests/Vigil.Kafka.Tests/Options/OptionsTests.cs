namespace Vigil.Kafka.Tests.Options;

public sealed class OptionsTests
{
    [Fact]
    public void ParsesBootstrapLists()
    {
        Assert.Equal([new KafkaEndpoint("a", 9092), new KafkaEndpoint("10.0.0.1", 1)], KafkaEndpoint.ParseList("a:9092, 10.0.0.1:1"));
        Assert.Equal([new KafkaEndpoint("::1", 9092)], KafkaEndpoint.ParseList("[::1]:9092"));
        Assert.Equal("[::1]:9092", new KafkaEndpoint("::1", 9092).ToString());
    }

    [Theory]
    [InlineData("", "empty entry")]
    [InlineData("a:1,,b:2", "empty entry")]
    [InlineData("kafka", "\"kafka\": expected host:port")]
    [InlineData("kafka:", "\"kafka:\": expected host:port")]
    [InlineData("kafka:0", "\"kafka:0\": port must be")]
    [InlineData("kafka:65536", "port must be")]
    [InlineData("kafka:+1", "port must be")]
    [InlineData("::1:9092", "in brackets")]
    [InlineData("[::1:9092", "brackets")]
    [InlineData("my host:9092", "white space")]
    public void RefusesBadEntriesNamingThem(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => KafkaEndpoint.ParseList(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void FingerprintFollowsWhatDecidesTheCluster()
    {
        var baseline = new KafkaClientOptions
        {
            BootstrapServers = KafkaEndpoint.ParseList("a:1,b:2"),
            SecurityProtocol = KafkaSecurityProtocol.SaslSsl,
            SaslMechanism = KafkaSaslMechanism.ScramSha256,
            SaslUsername = "u",
            SaslPassword = "hunter2",
            TlsCaFile = "/ca.pem",
        };
        var print = baseline.Fingerprint();
        Assert.Equal(print, (baseline with { }).Fingerprint());
        Assert.Equal(print, (baseline with { RequestTimeout = TimeSpan.FromSeconds(1), ConnectTimeout = TimeSpan.FromSeconds(1) }).Fingerprint());
        Assert.DoesNotContain("hunter2", print, StringComparison.Ordinal);
        KafkaClientOptions[] different =
        [
            baseline with { BootstrapServers = KafkaEndpoint.ParseList("a:1") },
            baseline with { BootstrapServers = KafkaEndpoint.ParseList("b:2,a:1") },
            baseline with { SaslPassword = "hunter3" },
            baseline with { SaslUsername = "v" },
            baseline with { SaslMechanism = KafkaSaslMechanism.ScramSha512 },
            baseline with { SecurityProtocol = KafkaSecurityProtocol.Ssl },
            baseline with { TlsCaFile = "/other.pem" },
            baseline with { TlsInsecureSkipVerify = true },
            baseline with { TlsServerName = "kafka" },
            baseline with { ClientId = "other" },
        ];
        Assert.Equal(different.Length + 1, different.Select(o => o.Fingerprint()).Append(print).Distinct().Count());
    }

    [Fact]
    public void ErrorCodesAreNamedByNumber()
    {
        Assert.Equal("UNKNOWN_TOPIC_OR_PARTITION", KafkaErrorCodes.Name(3));
        Assert.Equal("NOT_COORDINATOR", KafkaErrorCodes.Name(16));
        Assert.Equal("SASL_AUTHENTICATION_FAILED", KafkaErrorCodes.Name(58));
        Assert.Equal("UNKNOWN_SERVER_ERROR", KafkaErrorCodes.Name(-1));
        Assert.Equal("UNKNOWN_ERROR_CODE_999", KafkaErrorCodes.Name(999));
        Assert.Equal("UNKNOWN_ERROR_CODE_-7", KafkaErrorCodes.Name(-7));
        Assert.Equal("_TRANSPORT", KafkaErrorCodes.Name(KafkaErrorCodes.Transport));
        var error = KafkaException.FromCode(29, "Metadata for orders");
        Assert.Equal("Metadata for orders: TOPIC_AUTHORIZATION_FAILED (error code 29)", error.Message);
    }

    [Fact]
    public async Task BadOptionsAreRefusedBeforeConnecting()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => KafkaAdminClient.ConnectAsync(new KafkaClientOptions { BootstrapServers = [] }, default));
        var sasl = new KafkaClientOptions { BootstrapServers = KafkaEndpoint.ParseList("a:1"), SecurityProtocol = KafkaSecurityProtocol.SaslPlaintext };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => KafkaAdminClient.ConnectAsync(sasl, default));
        Assert.Contains("SASL username and password", error.Message, StringComparison.Ordinal);
    }
}
