using System.Runtime.InteropServices;

namespace Vigil.TestShared.Kafka;

/// <summary>
/// The few librdkafka 2.x entry points the tests drive: handles and configuration, the mock cluster
/// (<c>src/rdkafka_mock.h</c>), producing and committing. Debian's <c>librdkafka1</c> ships the library; CI installs
/// it with scripts/install-deps.
/// </summary>
internal static partial class LibRdKafka
{
    public const string Library = "librdkafka.so.1";

    public const int Producer = 0;
    public const int Consumer = 1;

    /// <summary>RD_KAFKA_MSG_F_COPY: librdkafka copies the payload, so our buffer may be reused at once.</summary>
    public const int MsgFlagCopy = 0x2;

    /// <summary>RD_KAFKA_RESP_ERR__QUEUE_FULL: the producer queue is full; poll and retry.</summary>
    public const int ErrQueueFull = -184;

    /// <summary>Why the library cannot be used here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
        {
            return $"{Library} not found (Debian package librdkafka1; scripts/install-deps installs it)";
        }

        var hasMock = NativeLibrary.TryGetExport(handle, "rd_kafka_mock_cluster_new", out _);
        return hasMock ? null : $"{Library} has no mock cluster API (need librdkafka 1.4 or later)";
    }

    [LibraryImport(Library)]
    public static partial nint rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(nint conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(Library)]
    public static partial void rd_kafka_conf_set_dr_msg_cb(nint conf, nint callback);

    [LibraryImport(Library)]
    public static partial void rd_kafka_conf_set_opaque(nint conf, nint opaque);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_new(int type, nint conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_err2str(int err);

    [LibraryImport(Library)]
    public static partial int rd_kafka_poll(nint rk, int timeoutMs);

    [LibraryImport(Library)]
    public static partial int rd_kafka_flush(nint rk, int timeoutMs);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint rd_kafka_topic_new(nint rk, string topic, nint conf);

    [LibraryImport(Library)]
    public static partial void rd_kafka_topic_destroy(nint rkt);

    [LibraryImport(Library)]
    public static partial int rd_kafka_produce(nint rkt, int partition, int msgflags, nint payload, nuint len, nint key, nuint keylen, nint opaque);

    [LibraryImport(Library)]
    public static partial int rd_kafka_last_error();

    [LibraryImport(Library)]
    public static partial nint rd_kafka_topic_partition_list_new(int size);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint rd_kafka_topic_partition_list_add(nint list, string topic, int partition);

    [LibraryImport(Library)]
    public static partial void rd_kafka_topic_partition_list_destroy(nint list);

    [LibraryImport(Library)]
    public static partial int rd_kafka_commit(nint rk, nint offsets, int async);

    [LibraryImport(Library)]
    public static partial int rd_kafka_consumer_close(nint rk);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? err.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A configuration with the given properties; throws naming the property librdkafka refused.</summary>
    public static nint NewConf(params (string Name, string Value)[] properties)
    {
        var conf = rd_kafka_conf_new();
        var error = new byte[512];
        foreach (var (name, value) in properties)
        {
            if (rd_kafka_conf_set(conf, name, value, error, (nuint)error.Length) != 0)
            {
                rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException($"librdkafka refused {name}={value}: {CString(error)}");
            }
        }

        return conf;
    }

    /// <summary>A handle of the given type; the handle owns <paramref name="conf"/> from here on.</summary>
    public static nint NewHandle(int type, nint conf)
    {
        var error = new byte[512];
        var rk = rd_kafka_new(type, conf, error, (nuint)error.Length);
        if (rk == 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException("rd_kafka_new failed: " + CString(error));
        }

        return rk;
    }

    private static string CString(byte[] bytes)
    {
        var end = Array.IndexOf(bytes, (byte)0);
        return System.Text.Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }
}
