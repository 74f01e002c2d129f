using Vigil.Config;

namespace Vigil.Tests.Config;

public sealed class InheritanceAndFingerprintTests
{
    private const string Base = """
        metrics:
          global:
            scrape_interval: 20s
            external_labels: {cluster: a, dc: x}
            remote_write:
              - url: http://global/write
          configs:
            - name: one
              scrape_configs:
                - job_name: j
                  static_configs: [{targets: ['h:1'], labels: {b: '2', a: '1'}}]
            - name: two
              remote_write:
                - url: http://own/write
        """;

    private static InstanceConfig Instance(string yaml, string name) =>
        VigilConfig.Parse(yaml, "v.yml").Metrics.Configs.Single(c => c.Name == name);

    [Fact]
    public void GlobalValuesFlowIntoInstances()
    {
        var config = VigilConfig.Parse(Base, "v.yml").Metrics;
        var one = config.Configs[0];
        var job = Assert.Single(one.ScrapeConfigs);
        Assert.Equal(TimeSpan.FromSeconds(20), job.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), job.ScrapeTimeout);
        Assert.Equal("http://global/write", Assert.Single(one.RemoteWrite).Url.OriginalString);
        Assert.Equal("http://own/write", Assert.Single(config.Configs[1].RemoteWrite).Url.OriginalString);
        Assert.Equal(config.Global.ExternalLabels, one.ExternalLabels);
    }

    [Theory]
    // Global interval shorter than the default timeout: the timeout shrinks to the interval.
    [InlineData("global:\n    scrape_interval: 5s\n", "", 5, 5)]
    // A job's own short interval also caps the inherited timeout, as in Prometheus.
    [InlineData("global:\n    scrape_interval: 1m\n", "      scrape_interval: 4s\n", 4, 4)]
    [InlineData("global:\n    scrape_timeout: 30s\n", "", 60, 30)]
    [InlineData("global:\n    scrape_timeout: 30s\n", "      scrape_timeout: 2s\n", 60, 2)]
    [InlineData("global: {}\n", "", 60, 10)]
    public void ScrapeTimingInheritance(string global, string job, int expectedInterval, int expectedTimeout)
    {
        var yaml = "metrics:\n  " + global + "  configs:\n    - name: i\n      scrape_configs:\n        - job_name: j\n    " + job;
        var scrape = Assert.Single(Instance(yaml, "i").ScrapeConfigs);
        Assert.Equal((TimeSpan.FromSeconds(expectedInterval), TimeSpan.FromSeconds(expectedTimeout)), (scrape.ScrapeInterval, scrape.ScrapeTimeout));
    }

    [Fact]
    public void FingerprintIgnoresKeyOrderCommentsAndFormatting()
    {
        const string Reordered = """
            # same config, written differently
            metrics:
              configs:
                - scrape_configs:
                    - static_configs:
                        - labels: {a: '1', b: '2'}   # labels reordered
                          targets: [h:1]
                      job_name: j
                  name: one
                - remote_write: [{url: 'http://own/write'}]
                  name: two
              global:
                remote_write: [{url: http://global/write}]
                external_labels:
                  dc: x
                  cluster: a
                scrape_interval: 20000ms
            """;
        Assert.Equal(Instance(Base, "one").Fingerprint, Instance(Reordered, "one").Fingerprint);
        Assert.Equal(Instance(Base, "two").Fingerprint, Instance(Reordered, "two").Fingerprint);
        Assert.Matches("^[0-9a-f]{32}$", Instance(Base, "one").Fingerprint);
        Assert.NotEqual(Instance(Base, "one").Fingerprint, Instance(Base, "two").Fingerprint);
    }

    [Theory]
    [InlineData("scrape_interval: 20s", "scrape_interval: 30s")] // inherited by one's job
    [InlineData("cluster: a", "cluster: b")] // external label, inherited
    [InlineData("http://global/write", "http://global2/write")] // inherited remote_write
    [InlineData("targets: ['h:1']", "targets: ['h:2']")]
    [InlineData("b: '2', a: '1'", "b: '2', a: '3'")]
    [InlineData("- name: one", "- name: uno")]
    [InlineData("job_name: j", "job_name: j\n          honor_labels: true")]
    public void FingerprintChangesWhenInstanceOrInheritedValueChanges(string from, string to)
    {
        var changed = Base.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Base, changed);
        var name = to.Contains("uno", StringComparison.Ordinal) ? "uno" : "one";
        Assert.NotEqual(Instance(Base, "one").Fingerprint, Instance(changed, name).Fingerprint);
    }

    [Fact]
    public void InstanceWithOwnRemoteWriteIgnoresGlobalChanges()
    {
        var changed = Base.Replace("http://global/write", "http://global2/write", StringComparison.Ordinal);
        Assert.Equal(Instance(Base, "two").Fingerprint, Instance(changed, "two").Fingerprint);
    }

    [Fact]
    public void SecretsDoNotAppearInToString()
    {
        const string Yaml = "metrics:\n  configs:\n    - name: s\n      remote_write:\n        - url: http://x/\n" +
            "          basic_auth: {username: u, password: hunter2}\n        - url: http://y/\n          bearer_token: sesame\n";
        var text = Instance(Yaml, "s").RemoteWrite[0].ToString() + Instance(Yaml, "s").RemoteWrite[1].ToString();
        Assert.Contains("<secret>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sesame", text, StringComparison.Ordinal);
    }
}

public sealed class ServerConfigTests
{
    [Theory]
    [InlineData("127.0.0.1:9494", 1, "127.0.0.1", 9494)]
    [InlineData("0.0.0.0", 9494, "0.0.0.0", 9494)]
    [InlineData("[::1]:9494", 1, "::1", 9494)]
    [InlineData("[::1]", 7000, "::1", 7000)]
    [InlineData("::", 7000, "::", 7000)]
    [InlineData("localhost:9494", 1, "localhost", 9494)]
    [InlineData(":8080", 1, "0.0.0.0", 8080)]
    public void ListenEndpoint(string address, int port, string host, int expectedPort)
    {
        var yaml = $"server:\n  http_listen_address: '{address}'\n  http_listen_port: {port}\n";
        Assert.Equal((host, expectedPort), VigilConfig.Parse(yaml, "v.yml").Server.ListenEndpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[::1")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("::1:99999:x")]
    [InlineData("host:port")]
    [InlineData("host:")]
    [InlineData("host.example:80")] // Kestrel would listen on every interface for a host name
    public void RejectsBadAddresses(string address) =>
        Assert.False(ServerConfig.TryParseListenAddress(address, 9494, out _, out _));
}
