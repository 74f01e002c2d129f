using System.Globalization;
using System.Runtime.InteropServices;

namespace Vigil.TestShared.Kafka;

/// <summary>
/// A librdkafka mock cluster: real Kafka-protocol brokers on 127.0.0.1 ephemeral ports, served by threads inside
/// librdkafka, with fault injection (issue 8, "Acceptance"). Broker ids are 1..N; <see cref="BrokerPorts"/>[i] is
/// broker i+1's port. Producing and committing go through librdkafka too (<see cref="Produce"/>,
/// <see cref="CommitOffsets"/>), so a test needs no kcat process. Compiled into each test project that needs it
/// (linked source). Dispose destroys the cluster: its listeners close and its brokers' sockets drop.
/// </summary>
internal sealed partial class MockKafkaCluster : IDisposable
{
    private readonly object _gate = new();
    private nint _handle;
    private nint _cluster;

    private MockKafkaCluster(int brokers)
    {
        // The mock needs a handle to live in; it is never used to talk to the cluster. Quiet: the brokers' own
        // logging (connections dropped by tests on purpose) would drown test output.
        _handle = LibRdKafka.NewHandle(LibRdKafka.Producer, LibRdKafka.NewConf(("log_level", "0")));
        _cluster = LibRdKafka.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == 0)
        {
            LibRdKafka.rd_kafka_destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_mock_cluster_bootstraps(_cluster))!;
        BrokerPorts = BootstrapServers.Split(',').Select(e => int.Parse(e[(e.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>"127.0.0.1:port,127.0.0.1:port,..." in broker id order.</summary>
    public string BootstrapServers { get; }

    /// <summary>Broker i+1's port at index i.</summary>
    public IReadOnlyList<int> BrokerPorts { get; }

    public int BrokerCount => BrokerPorts.Count;

    public bool IsDestroyed => _cluster == 0;

    /// <summary>Why no mock cluster can run here, or null when one can.</summary>
    public static string? Unavailable() => LibRdKafka.Unavailable();

    /// <summary>
    /// A cluster of <paramref name="brokers"/> brokers, or null when librdkafka is missing here (the reason goes to
    /// <paramref name="log"/> as "skipped: ..."). With <c>CI=true</c> a missing library fails instead, so CI can
    /// never pass by skipping.
    /// </summary>
    public static MockKafkaCluster? CreateOrSkip(int brokers, Action<string> log)
    {
        if (Unavailable() is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException(reason);
            }

            log("skipped: " + reason);
            return null;
        }

        return new MockKafkaCluster(brokers);
    }

    /// <summary>Creates a topic; leaders are spread over the brokers by the mock.</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1) =>
        Check(LibRdKafka.rd_kafka_mock_topic_create(Cluster, topic, partitions, replicationFactor), $"create topic {topic}");

    /// <summary>
    /// Creates many topics at once. Each mock command waits for the mock's thread to wake up (about 140 ms on
    /// librdkafka 2.0), so one at a time 2,000 topics take minutes; issued from many threads they share wake-ups.
    /// </summary>
    public void CreateTopics(IEnumerable<string> topics, int partitions, int replicationFactor = 1)
    {
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(topics);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Math.Min(256, Math.Max(1, queue.Count))).Select(_ => new Thread(() =>
        {
            while (queue.TryDequeue(out var topic))
            {
                try
                {
                    CreateTopic(topic, partitions, replicationFactor);
                }
                catch (InvalidOperationException e)
                {
                    errors.Enqueue(e);
                }
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (!errors.IsEmpty)
        {
            throw new AggregateException(errors);
        }
    }

    public void SetBrokerDown(int brokerId) => Check(LibRdKafka.rd_kafka_mock_broker_set_down(Cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(LibRdKafka.rd_kafka_mock_broker_set_up(Cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of the broker by <paramref name="rtt"/>.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Check(LibRdKafka.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)rtt.TotalMilliseconds), $"set broker {brokerId} rtt");

    /// <summary>The next requests of <paramref name="apiKey"/> (any broker) fail with these codes, one each, in order.</summary>
    public void PushRequestErrors(short apiKey, params short[] errorCodes) =>
        LibRdKafka.rd_kafka_mock_push_request_errors_array(Cluster, apiKey, (nuint)errorCodes.Length, errorCodes.Select(c => (int)c).ToArray());

    public void ClearRequestErrors(short apiKey) => LibRdKafka.rd_kafka_mock_clear_request_errors(Cluster, apiKey);

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(LibRdKafka.rd_kafka_mock_partition_set_leader(Cluster, topic, partition, brokerId), $"set leader of {topic}[{partition}]");

    /// <summary>Which broker a consumer of the partition is told to fetch from (KIP-392), not a replica change.</summary>
    public void SetPartitionFollower(string topic, int partition, int brokerId) =>
        Check(LibRdKafka.rd_kafka_mock_partition_set_follower(Cluster, topic, partition, brokerId), $"set follower of {topic}[{partition}]");

    /// <summary>Narrows the versions every broker advertises (and accepts) for <paramref name="apiKey"/>; -1,-1 disables it.</summary>
    public void SetApiVersion(short apiKey, short minVersion, short maxVersion) =>
        Check(LibRdKafka.rd_kafka_mock_set_apiversion(Cluster, apiKey, minVersion, maxVersion), $"set versions of API {apiKey}");

    /// <summary>Pins the coordinator of a group (<paramref name="keyType"/> "group") or transaction ("transaction").</summary>
    public void SetCoordinator(string keyType, string key, int brokerId) =>
        Check(LibRdKafka.rd_kafka_mock_coordinator_set(Cluster, keyType, key, brokerId), $"set coordinator of {key}");

    /// <summary>Destroys the cluster now (a test of a cluster that vanished); Dispose is then a no-op for it.</summary>
    public void Destroy()
    {
        lock (_gate)
        {
            if (_cluster != 0)
            {
                LibRdKafka.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = 0;
            }
        }
    }

    public void Dispose()
    {
        Destroy();
        lock (_gate)
        {
            if (_handle != 0)
            {
                LibRdKafka.rd_kafka_destroy(_handle);
                _handle = 0;
            }
        }
    }

    private nint Cluster => _cluster != 0 ? _cluster : throw new ObjectDisposedException(nameof(MockKafkaCluster), "the mock cluster was destroyed");

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"mock cluster: {what}: {LibRdKafka.ErrorText(err)}");
        }
    }
}
