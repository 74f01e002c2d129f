using Vigil.Common.Config;
using Vigil.Config;

namespace Vigil.Tests.Config;

/// <summary>Each broken config must name the key path and line a user should look at.</summary>
public sealed class VigilConfigErrorTests
{
    // Line 1-3 are fixed so line numbers in the cases below count from line 4.
    private const string Head = "metrics:\n  configs:\n    - name: a\n";

    private static void Check(string yaml, string keyPath, int line, string? reasonContains = null)
    {
        var ex = Assert.Throws<ConfigException>(() => VigilConfig.Parse(yaml, "vigil.yml"));
        Assert.Equal((keyPath, line), (ex.KeyPath, ex.Line));
        Assert.Equal($"vigil.yml:{line}: {keyPath}: {ex.Reason}", ex.Message);
        if (reasonContains is not null)
        {
            Assert.Contains(reasonContains, ex.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownKeysAtEveryDepth()
    {
        Check("logs: {}\n", "logs", 1, "unknown key 'logs'");
        Check("server:\n  http_listen_prot: 1\n", "server.http_listen_prot", 2);
        Check("metrics:\n  global:\n    scrape_intervall: 5s\n", "metrics.global.scrape_intervall", 3, "unknown key 'scrape_intervall'");
        Check(Head + "      wal_directory: /x\n", "metrics.configs[0].wal_directory", 4);
        Check(Head + "      scrape_configs:\n        - job_name: j\n          scrape_intervall: 5s\n",
            "metrics.configs[0].scrape_configs[0].scrape_intervall", 6);
        Check(Head + "      scrape_configs:\n        - job_name: j\n          static_configs:\n            - target: [x:1]\n",
            "metrics.configs[0].scrape_configs[0].static_configs[0].target", 7);
        Check(Head + "      scrape_configs:\n        - job_name: j\n          tls_config: {ca: x}\n",
            "metrics.configs[0].scrape_configs[0].tls_config.ca", 6);
        Check(Head + "      remote_write:\n        - url: http://x/\n          queue_config:\n            max_shard: 3\n",
            "metrics.configs[0].remote_write[0].queue_config.max_shard", 7);
        Check(Head + "      remote_write:\n        - url: http://x/\n          basic_auth: {username: u, pass: p}\n",
            "metrics.configs[0].remote_write[0].basic_auth.pass", 6);
        Check("storage:\n  retention: 1d\n", "storage.retention", 2, "unknown key 'retention'");
        Check("storage:\n  retention_size: -1\n", "storage.retention_size", 2);
        Check("storage:\n  out_of_order_time_window: soon\n", "storage.out_of_order_time_window", 2);
        Check("storage:\n  block_chunk_encoding: gorilla\n", "storage.block_chunk_encoding", 2, "'gorilla' is not one of vigil, xor");
    }

    [Fact]
    public void StorageKeysParse()
    {
        var config = VigilConfig.Parse("storage:\n  enabled: false\n  retention_time: 30d\n  retention_size: 10GiB\n  out_of_order_time_window: 10m\n  block_chunk_encoding: xor\n", "vigil.yml");
        Assert.Equal(new StorageConfig
        {
            Enabled = false,
            RetentionTime = TimeSpan.FromDays(30),
            RetentionSize = 10L << 30,
            OutOfOrderTimeWindow = TimeSpan.FromMinutes(10),
            BlockChunkEncoding = Vigil.Tsdb.Chunks.ChunkEncoding.Xor,
        }, config.Storage);
        Assert.Equal(Vigil.Tsdb.Chunks.ChunkEncoding.VigilDecimal, StorageConfig.Default.BlockChunkEncoding);
        Assert.Equal(StorageConfig.Default, VigilConfig.Parse("", "vigil.yml").Storage);
    }

    [Fact]
    public void InstanceErrors()
    {
        Check(Head + "    - name: b\n    - name: a\n", "metrics.configs[2].name", 5, "duplicate instance name 'a'");
        Check("metrics:\n  configs:\n    - name: 'a/b'\n", "metrics.configs[0].name", 3, "not a valid instance name");
        Check("metrics:\n  configs:\n    - name: 'my instance'\n", "metrics.configs[0].name", 3);
        Check("metrics:\n  configs:\n    - name: '..'\n", "metrics.configs[0].name", 3);
        Check("metrics:\n  configs:\n    - scrape_configs: []\n", "metrics.configs[0].name", 3, "name is required");
        Check(Head + "      min_wal_time: 5h\n", "metrics.configs[0].min_wal_time", 4, "min_wal_time 5h is greater than max_wal_time 4h");
        Check(Head + "      wal_truncate_frequency: 0s\n", "metrics.configs[0].wal_truncate_frequency", 4, "greater than 0");
        Check(Head + "      max_wal_time: 4 hours\n", "metrics.configs[0].max_wal_time", 4, "expected a duration like 15s, got '4 hours'");
    }

    [Fact]
    public void ScrapeConfigErrors()
    {
        const string Job = Head + "      scrape_configs:\n        - job_name: j\n";
        const string P = "metrics.configs[0].scrape_configs[0].";
        Check(Job + "          scrape_interval: 10s\n          scrape_timeout: 20s\n", P + "scrape_timeout", 7,
            "20s is greater than scrape_interval 10s");
        Check(Job + "          scrape_interval: abc\n", P + "scrape_interval", 6, "expected a duration like 15s, got 'abc'");
        Check(Job + "        - job_name: j\n", "metrics.configs[0].scrape_configs[1].job_name", 6, "duplicate job_name 'j'");
        Check(Head + "      scrape_configs:\n        - scheme: http\n", "metrics.configs[0].scrape_configs[0].job_name", 5, "job_name is required");
        Check(Job + "          scheme: ftp\n", P + "scheme", 6);
        Check(Job + "          metrics_path: metrics\n", P + "metrics_path", 6);
        Check(Job + "          relabel_configs:\n            - regex: '(bad'\n              action: keep\n",
            P + "relabel_configs[0].regex", 7, "invalid regex '(bad'");
        Check(Job + "          metric_relabel_configs:\n            - action: hashmod\n              target_label: x\n",
            P + "metric_relabel_configs[0].modulus", 7);
        Check(Job + "          bearer_token: t\n          basic_auth: {username: u}\n", P + "basic_auth", 7, "at most one of");
        Check(Job + "          authorization: {type: Basic, credentials: x}\n", P + "authorization.type", 6);
        Check(Job + "          tls_config: {cert_file: c.pem}\n", P + "tls_config.cert_file", 6, "key_file must be set too");
        Check(Job + "          static_configs:\n            - targets: [ok:1, 'http://x:1']\n", P + "static_configs[0].targets[1]", 7);
        Check(Job + "          static_configs:\n            - targets: ['x:99999']\n", P + "static_configs[0].targets[0]", 7);
        Check(Job + "          static_configs:\n            - labels: {1bad: x}\n", P + "static_configs[0].labels.1bad", 7);
        Check(Job + "          file_sd_configs:\n            - files: ['/etc/*/x.json']\n", P + "file_sd_configs[0].files", 7);
        Check(Job + "          body_size_limit: lots\n", P + "body_size_limit", 6);
        Check(Job + "          sample_limit: -5\n", P + "sample_limit", 6);
        Check(Job + "          proxy_url: not a url\n", P + "proxy_url", 6);
        Check(Job + "          honor_labels: maybe\n", P + "honor_labels", 6);
    }

    [Fact]
    public void RemoteWriteErrors()
    {
        const string Rw = Head + "      remote_write:\n        - url: http://x/\n";
        const string P = "metrics.configs[0].remote_write[0].";
        Check(Rw + "          queue_config:\n            min_shards: 20\n            max_shards: 10\n", P + "queue_config.min_shards", 7,
            "min_shards 20 is greater than max_shards 10");
        Check(Rw + "          queue_config:\n            capacity: 100\n", P + "queue_config.capacity", 7,
            "capacity 100 is less than max_samples_per_send 2000");
        Check(Rw + "          queue_config:\n            max_shards: 0\n", P + "queue_config.max_shards", 7);
        Check(Head + "      remote_write:\n        - url: 'not a url'\n", P + "url", 5, "not an absolute URL");
        Check(Head + "      remote_write:\n        - url: ftp://x/\n", P + "url", 5, "scheme 'ftp'");
        Check(Head + "      remote_write:\n        - name: x\n", P + "url", 5, "url is required");
        Check(Rw + "        - url: http://x/\n", "metrics.configs[0].remote_write[1].url", 6, "duplicate remote_write url");
        Check(Rw + "          name: n\n        - url: http://y/\n          name: n\n", "metrics.configs[0].remote_write[1].name", 8);
        Check(Rw + "          headers: {Content-Type: text/plain}\n", P + "headers.Content-Type", 6, "reserved");
        Check(Rw + "          headers: {x-prometheus-remote-write-version: '2'}\n", P + "headers.x-prometheus-remote-write-version", 6);
        Check(Rw + "          bearer_token: t\n          headers: {Authorization: x}\n", P + "headers.Authorization", 7);
        Check(Rw + "          protobuf_message: v3\n", P + "protobuf_message", 6);
        Check(Rw + "          remote_timeout: 0s\n", P + "remote_timeout", 6);
        Check(Rw + "          write_relabel_configs:\n            - action: labeldrop\n              target_label: x\n",
            P + "write_relabel_configs[0].target_label", 8);
        Check(Rw + "          metadata_config:\n            send_interval: 1x\n", P + "metadata_config.send_interval", 7);
    }

    [Fact]
    public void GlobalServerAndDocumentErrors()
    {
        Check("metrics:\n  global:\n    scrape_interval: 5s\n    scrape_timeout: 10s\n", "metrics.global.scrape_timeout", 4,
            "10s is greater than scrape_interval 5s");
        Check("metrics:\n  global:\n    external_labels:\n      region: ''\n", "metrics.global.external_labels.region", 4, "empty value");
        Check("metrics:\n  global:\n    external_labels:\n      bad-name: x\n", "metrics.global.external_labels.bad-name", 4);
        Check("metrics:\n  global:\n    remote_write:\n      - url: http://x/\n        bogus: 1\n", "metrics.global.remote_write[0].bogus", 5);
        Check("metrics:\n  receiver:\n    max_body_bytes: 0\n", "metrics.receiver.max_body_bytes", 3);
        Check("metrics:\n  wal_directory: ''\n", "metrics.wal_directory", 2);
        Check("metrics:\n  configs:\n    name: a\n", "metrics.configs", 2, "expected a list, got a mapping");
        Check("server:\n  http_listen_address: 'a b'\n", "server.http_listen_address", 2);
        Check("server:\n  http_listen_address: '127.0.0.1:70000'\n", "server.http_listen_address", 2);
        Check("server:\n  http_listen_port: 70000\n", "server.http_listen_port", 2);
        Check("metrics:\n  configs:\n    - name: a\n      scrape_configs: [\n", ConfigException.RootPath, 5, "YAML syntax error");
        Check("metrics:\n  global: {}\n  global: {}\n", "metrics.global", 3, "duplicate key 'global'");
        Check("- metrics\n", ConfigException.RootPath, 1, "expected a mapping");
    }
}
