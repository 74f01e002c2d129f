using Vigil.Common.Config;
using Vigil.Common.Hashing;

namespace Vigil.Common.Tests.Hashing;

public sealed class Hash128Tests
{
    [Fact]
    public void Streaming_in_any_pieces_equals_hashing_the_joined_bytes()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 500; round++)
        {
            var data = new byte[random.Next(0, 70)];
            random.NextBytes(data);
            var streaming = new Hash128.Streaming(data.Length);
            var at = 0;
            while (at < data.Length)
            {
                var piece = random.Next(0, data.Length - at + 1);
                streaming.Append(data.AsSpan(at, piece));
                at += piece;
            }

            Assert.True(Hash128.Hash(data) == streaming.Finish(), $"seed {seed}, round {round}, {data.Length} bytes");
        }
    }

    [Fact]
    public void A_uvarint_streams_as_its_encoded_bytes()
    {
        foreach (var value in new ulong[] { 0, 1, 127, 128, 300, 16_383, 16_384, ulong.MaxValue })
        {
            var encoded = new List<byte>();
            for (var v = value; ; v >>= 7)
            {
                encoded.Add((byte)(v >= 0x80 ? (v & 0x7f) | 0x80 : v));
                if (v < 0x80)
                {
                    break;
                }
            }

            var streaming = new Hash128.Streaming(encoded.Count + 3);
            streaming.Append("abc"u8);
            streaming.AppendUvarint(value);
            Assert.Equal(Hash128.Hash([.. "abc"u8, .. encoded]), streaming.Finish());
        }
    }

    [Fact]
    public void Each_byte_and_the_length_change_both_lanes()
    {
        var data = new byte[24];
        var (h1, h2) = Hash128.Hash(data);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = 1;
            var (f1, f2) = Hash128.Hash(data);
            Assert.NotEqual(h1, f1);
            Assert.NotEqual(h2, f2);
            data[i] = 0;
        }

        // Zero bytes past the end must not look like the shorter input: the length is hashed first.
        Assert.NotEqual(Hash128.Hash(data.AsSpan(0, 23)), Hash128.Hash(data));
    }

    private sealed record Section(string Name, TimeSpan Interval, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Targets);

    [Fact]
    public void Config_fingerprints_follow_values_not_key_order()
    {
        var a = new Section("node", TimeSpan.FromSeconds(15), new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, ["h1:9100", "h2:9100"]);
        var reordered = a with { Labels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, Targets = ["h1:9100", "h2:9100"] };
        var fingerprint = ConfigFingerprint.Compute(a);

        Assert.Matches("^[0-9a-f]{32}$", fingerprint);
        Assert.Equal(fingerprint, ConfigFingerprint.Compute(reordered));
        Assert.NotEqual(fingerprint, ConfigFingerprint.Compute(a with { Interval = TimeSpan.FromSeconds(30) }));
        Assert.NotEqual(fingerprint, ConfigFingerprint.Compute(a with { Targets = ["h1:9100"] }));
        // Length prefixes keep a value's split points apart.
        Assert.NotEqual(
            ConfigFingerprint.Compute(a with { Targets = ["h1:9100h2", ":9100"] }),
            ConfigFingerprint.Compute(a with { Targets = ["h1:9100", "h2:9100"] }));
        Assert.Equal(fingerprint, ConfigFingerprint.Compute(a));
    }
}
