using System.Runtime.InteropServices;

namespace Vigil.TestShared.Kafka;

/// <summary>The mock cluster API (librdkafka <c>src/rdkafka_mock.h</c>).</summary>
internal static partial class LibRdKafka
{
    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_bootstraps(nint cluster);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(nint cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_down(nint cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_up(nint cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_rtt(nint cluster, int brokerId, int rttMs);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_push_request_errors_array(nint cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_clear_request_errors(nint cluster, short apiKey);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_leader(nint cluster, string topic, int partition, int brokerId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_follower(nint cluster, string topic, int partition, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_set_apiversion(nint cluster, short apiKey, short minVersion, short maxVersion);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_coordinator_set(nint cluster, string keyType, string key, int brokerId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_topic_set_error(nint cluster, string topic, int error);
}
