using System.Runtime.InteropServices;

namespace Vigil.TestShared.Kafka;

/// <summary>
/// Producing and committing through librdkafka's own producer and consumer against this cluster. Chosen over kcat:
/// no process per call, exact counts, and delivery failures are counted rather than lost.
/// </summary>
internal sealed partial class MockKafkaCluster
{
    /// <summary>
    /// Produces <paramref name="count"/> messages (payload "m&lt;i&gt;") to one partition and waits until every one is
    /// acknowledged; throws when any delivery fails or <paramref name="timeout"/> (default 30 s) passes.
    /// </summary>
    public unsafe void Produce(string topic, int partition, int count, TimeSpan? timeout = null)
    {
        var failures = new DeliveryFailures();
        var gc = GCHandle.Alloc(failures);
        var conf = LibRdKafka.NewConf(("bootstrap.servers", BootstrapServers), ("log_level", "0"), ("linger.ms", "5"), ("acks", "all"));
        LibRdKafka.rd_kafka_conf_set_opaque(conf, GCHandle.ToIntPtr(gc));
        LibRdKafka.rd_kafka_conf_set_dr_msg_cb(conf, (nint)(delegate* unmanaged<nint, nint, nint, void>)&OnDelivery);
        var rk = LibRdKafka.NewHandle(LibRdKafka.Producer, conf);
        var rkt = LibRdKafka.rd_kafka_topic_new(rk, topic, 0);
        try
        {
            Enqueue(rk, rkt, partition, count);
            var ms = (int)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds;
            if (LibRdKafka.rd_kafka_flush(rk, ms) is var err and not 0)
            {
                throw new InvalidOperationException($"produce to {topic}[{partition}]: flush: {LibRdKafka.ErrorText(err)}");
            }

            if (failures.Count > 0)
            {
                throw new InvalidOperationException($"produce to {topic}[{partition}]: {failures.Count} of {count} not delivered: {LibRdKafka.ErrorText(failures.First)}");
            }
        }
        finally
        {
            LibRdKafka.rd_kafka_topic_destroy(rkt);
            LibRdKafka.rd_kafka_destroy(rk);
            gc.Free();
        }
    }

    /// <summary>
    /// Commits offsets for <paramref name="group"/> as a consumer outside any generation would (OffsetCommit with
    /// generation -1, which the mock accepts). "600 consumed" is a commit of offset 600.
    /// </summary>
    public void CommitOffsets(string group, params (string Topic, int Partition, long Offset)[] offsets)
    {
        var conf = LibRdKafka.NewConf(("bootstrap.servers", BootstrapServers), ("group.id", group), ("log_level", "0"), ("enable.auto.commit", "false"));
        var rk = LibRdKafka.NewHandle(LibRdKafka.Consumer, conf);
        var list = LibRdKafka.rd_kafka_topic_partition_list_new(offsets.Length);
        try
        {
            foreach (var (topic, partition, offset) in offsets)
            {
                // rd_kafka_topic_partition_t: char *topic; int32_t partition; int64_t offset; ... (offset at byte 16).
                var entry = LibRdKafka.rd_kafka_topic_partition_list_add(list, topic, partition);
                Marshal.WriteInt64(entry, 16, offset);
            }

            if (LibRdKafka.rd_kafka_commit(rk, list, 0) is var err and not 0)
            {
                throw new InvalidOperationException($"commit for group {group}: {LibRdKafka.ErrorText(err)}");
            }
        }
        finally
        {
            LibRdKafka.rd_kafka_topic_partition_list_destroy(list);
            _ = LibRdKafka.rd_kafka_consumer_close(rk);
            LibRdKafka.rd_kafka_destroy(rk);
        }
    }

    private static void Enqueue(nint rk, nint rkt, int partition, int count)
    {
        Span<byte> payload = stackalloc byte[16];
        for (var i = 0; i < count; i++)
        {
            "m"u8.CopyTo(payload);
            i.TryFormat(payload[1..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
            while (Send(rkt, partition, payload[..(1 + digits)]) == LibRdKafka.ErrQueueFull)
            {
                _ = LibRdKafka.rd_kafka_poll(rk, 10);
            }
        }
    }

    private static unsafe int Send(nint rkt, int partition, ReadOnlySpan<byte> payload)
    {
        fixed (byte* p = payload)
        {
            return LibRdKafka.rd_kafka_produce(rkt, partition, LibRdKafka.MsgFlagCopy, (nint)p, (nuint)payload.Length, 0, 0, 0) == 0 ? 0 : LibRdKafka.rd_kafka_last_error();
        }
    }

    [UnmanagedCallersOnly]
    private static void OnDelivery(nint rk, nint message, nint opaque)
    {
        // rd_kafka_message_t starts with its rd_kafka_resp_err_t err.
        var err = Marshal.ReadInt32(message);
        if (err != 0 && GCHandle.FromIntPtr(opaque).Target is DeliveryFailures failures)
        {
            failures.First = failures.Count == 0 ? err : failures.First;
            failures.Count++;
        }
    }

    private sealed class DeliveryFailures
    {
        public int Count;
        public int First;
    }
}
