namespace Vigil.Kafka.Tests.Codec;

/// <summary>
/// Hand-built response bodies (after the response header) for every version implemented, shared by the codec
/// tests (which check what is read) and the fuzz test (which corrupts them). Field order follows each message's
/// layout in the protocol guide; comments name fields a version adds.
/// </summary>
internal static class ResponseFixtures
{
    public static byte[] ApiVersions(short v)
    {
        var f = new Fixture(v >= 3).I16(0).Array(2);
        f.I16(3).I16(0).I16(12).Tags();
        f.I16(18).I16(0).I16(3).Tags();
        return f.If(v >= 1, x => x.I32(0)).UnknownTag(0, 0x01).ToArray(); // v3 tag 0 = SupportedFeatures, skipped
    }

    public static byte[] Metadata(short v)
    {
        var f = new Fixture(v >= 9).If(v >= 3, x => x.I32(0)); // throttle
        f.Array(2);
        f.I32(1).Str("h1").I32(9092).If(v >= 1, x => x.NStr("r1")).Tags();
        f.I32(2).Str("h2").I32(9093).If(v >= 1, x => x.NStr(null)).Tags();
        f.If(v >= 2, x => x.NStr("cid")).If(v >= 1, x => x.I32(2));
        f.Array(1).I16(0).Str("orders").If(v >= 10, x => x.Uuid(0xab)).If(v >= 1, x => x.Bool(true));
        f.Array(2);
        Partition(f, v, 0, 0, leader: 1, [1, 2], [1, 2]);
        Partition(f, v, 1, 5, leader: -1, [2, 1], [2]);
        f.If(v >= 8, x => x.I32(int.MinValue)).Tags(); // topic authorized operations
        return f.If(v is >= 8 and <= 10, x => x.I32(int.MinValue)).UnknownTag(7, 9, 9).ToArray();
    }

    private static void Partition(Fixture f, short v, int index, short error, int leader, int[] replicas, int[] isr)
    {
        f.I16(error).I32(index).I32(leader).If(v >= 7, x => x.I32(3)).Int32s(replicas).Int32s(isr);
        f.If(v >= 5, x => x.Int32s()).Tags(); // offline replicas
    }

    public static byte[] ListOffsets(short v)
    {
        var f = new Fixture(v >= 6).If(v >= 2, x => x.I32(0)).Array(1).Str("orders").Array(2);
        f.I32(0).I16(0);
        _ = v == 0 ? OldStyle(f, 42) : f.I64(-1).I64(42).If(v >= 4, x => x.I32(7));
        f.Tags();
        f.I32(1).I16(6);
        _ = v == 0 ? OldStyle(f) : f.I64(-1).I64(-1).If(v >= 4, x => x.I32(-1));
        f.Tags();
        return f.Tags().Tags().ToArray();
    }

    // ListOffsets v0: an array of int64 offsets instead of one offset.
    private static Fixture OldStyle(Fixture f, params long[] offsets)
    {
        f.I32(offsets.Length);
        foreach (var offset in offsets)
        {
            f.I64(offset);
        }

        return f;
    }

    public static byte[] FindCoordinator(short v)
    {
        var f = new Fixture(v >= 3).If(v >= 1, x => x.I32(0));
        if (v < 4)
        {
            return f.I16(0).If(v >= 1, x => x.NStr(null)).I32(2).Str("h2").I32(9093).Tags().ToArray();
        }

        f.Array(2).Str("g1").I32(2).Str("h2").I32(9093).I16(0).NStr(null).Tags();
        f.Str("g2").I32(-1).Str("").I32(-1).I16(15).NStr("loading").Tags();
        return f.Tags().ToArray();
    }

    public static byte[] OffsetFetch(short v)
    {
        var f = new Fixture(v >= 6).If(v >= 3, x => x.I32(0));
        if (v >= 8)
        {
            f.Array(1).Str("g1");
        }

        f.Array(1).Str("orders").Array(2);
        f.I32(0).I64(600).If(v >= 5, x => x.I32(-1)).NStr("").I16(0).Tags();
        f.I32(1).I64(-1).If(v >= 5, x => x.I32(-1)).NStr(null).I16(0).Tags();
        f.Tags();
        if (v >= 8)
        {
            f.I16(0).Tags();
        }

        return f.If(v is >= 2 and < 8, x => x.I16(0)).Tags().ToArray();
    }

    public static byte[] ListGroups(short v)
    {
        var f = new Fixture(v >= 3).If(v >= 1, x => x.I32(0)).I16(0).Array(2);
        f.Str("g1").Str("consumer").If(v >= 4, x => x.Str("Stable")).Tags();
        f.Str("connect-x").Str("connect").If(v >= 4, x => x.Str("Empty")).Tags();
        return f.Tags().ToArray();
    }

    /// <summary>ConsumerProtocolAssignment v0: [topic, [partition]], then user data (bytes).</summary>
    public static byte[] Assignment() => new Fixture().I16(0).I32(1).Str("orders").I32(2).I32(0).I32(3).I32(-1).ToArray();

    public static byte[] DescribeGroups(short v)
    {
        var f = new Fixture(v >= 5).If(v >= 1, x => x.I32(0)).Array(1);
        f.I16(0).Str("g1").Str("Stable").Str("consumer").Str("range").Array(1);
        f.Str("m1").If(v >= 4, x => x.NStr(null)).Str("client-1").Str("/10.0.0.1").Bytes([1, 2]).Bytes(Assignment()).Tags();
        return f.If(v >= 3, x => x.I32(int.MinValue)).Tags().Tags().ToArray();
    }

    public static byte[] DescribeConfigs(short v)
    {
        var f = new Fixture(v >= 4).I32(0).Array(1).I16(0).NStr(null).I8(2).Str("orders").Array(2);
        f.Str("retention.ms").NStr("1000").Bool(false).If(v == 0, x => x.Bool(false)).If(v >= 1, x => x.I8(1)).Bool(false);
        f.If(v >= 1, x => x.Array(1).Str("retention.ms").NStr("1000").I8(1).Tags()).If(v >= 3, x => x.I8(5).NStr(null)).Tags();
        f.Str("cleanup.policy").NStr("delete").Bool(false).If(v == 0, x => x.Bool(true)).If(v >= 1, x => x.I8(5)).Bool(false);
        f.If(v >= 1, x => x.Array(0)).If(v >= 3, x => x.I8(2).NStr("doc")).Tags();
        return f.Tags().Tags().ToArray();
    }

    public static byte[] DescribeCluster(short v)
    {
        _ = v;
        var f = new Fixture(true).I32(0).I16(0).NStr(null).Str("cid").I32(1).Array(1);
        f.I32(1).Str("h1").I32(9092).NStr("r1").Tags();
        return f.I32(int.MinValue).Tags().ToArray();
    }

    public static byte[] SaslHandshake(short v)
    {
        _ = v;
        return new Fixture().I16(0).Array(2).Str("PLAIN").Str("SCRAM-SHA-256").ToArray();
    }

    public static byte[] SaslAuthenticate(short v) =>
        new Fixture(v >= 2).I16(0).NStr(null).Bytes([0x76, 0x3d]).If(v >= 1, x => x.I64(3_600_000)).Tags().ToArray();
}
