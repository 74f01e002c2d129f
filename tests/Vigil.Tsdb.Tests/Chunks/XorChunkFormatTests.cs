using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Tests.Chunks;

/// <summary>Exact bytes, worked out by hand from the format (XorChunk's remarks), and malformed input.</summary>
public sealed class XorChunkFormatTests
{
    [Fact]
    public void Bytes_follow_prometheus_xor_layout()
    {
        using var chunk = ChunkAssert.Encode([(1, 0), (2, 0x3ff0000000000000), (3, 0x3ff0000000000000)]);

        byte[] expected =
        [
            0x00, 0x03, // 3 samples
            0x02, // t0 = 1, zigzag varint
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // v0 = 0.0, raw
            0x01, // t1 - t0 = 1, uvarint
            // v1: 1 (changed) 1 (new window) 00010 (2 leading zeros) 001010 (10 meaningful bits) 1111111111;
            // sample 2: 0 (dod 0) 0 (same value); zero padding.
            0b1100_0100, 0b0101_0111, 0b1111_1110, 0b0000_0000,
        ];
        Assert.Equal(expected, chunk.Bytes.ToArray());
    }

    [Fact]
    public void A_multi_byte_varint_timestamp_and_the_stale_marker_are_written_raw()
    {
        using var chunk = ChunkAssert.Encode([(1000, 0x7ff0000000000002)]);

        // zigzag(1000) = 2000 = 0b1111_1010000: low seven bits with the continuation bit, then 15.
        byte[] expected = [0x00, 0x01, 0xd0, 0x0f, 0x7f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02];
        Assert.Equal(expected, chunk.Bytes.ToArray());
    }

    [Fact]
    public void Sixty_four_meaningful_bits_are_written_as_a_zero_count()
    {
        // 0x8000000000000001 XOR 0 has no leading or trailing zeros; 64 does not fit 6 bits.
        using var chunk = ChunkAssert.Encode([(0, 0), (1, 0x8000000000000001)]);
        byte[] bytes = chunk.Bytes.ToArray();

        // After the 12 bytes of sample 0 and the delta: 1 1 00000 000000, then the 64 bits.
        Assert.Equal(0b1100_0000, bytes[12]);
        Assert.Equal(0b0000_0100, bytes[13]); // 5 more window zeros, then the top bit of the 64 (1) at bit 5
        Assert.Equal(16 + 8 + 64 + 8 + 13 + 64, chunk.BitLength);
        ChunkAssert.RoundTrips(chunk, [(0, 0), (1, 0x8000000000000001)]);
    }

    [Fact]
    public void Fewer_bytes_than_the_header_are_refused()
    {
        var it = new XorIterator();
        var e = Assert.Throws<CorruptChunkException>(() => it.Reset(new byte[] { 0x00 }));
        Assert.Contains("shorter than the header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_claiming_more_samples_than_the_bytes_hold_is_corrupt()
    {
        var it = new XorIterator();
        it.Reset(new byte[] { 0x00, 0x05, 0x02 });
        var e = Assert.Throws<CorruptChunkException>(() => it.Next());
        Assert.Contains("sample 0 of 5 runs past the end of 3 bytes", e.Message, StringComparison.Ordinal);
        Assert.False(it.Next());
        Assert.False(it.Seek(0));
    }

    [Fact]
    public void Every_truncation_of_a_chunk_is_detected_rather_than_misread()
    {
        var samples = Enumerable.Range(0, 40)
            .Select(i => (1_700_000_000_000L + (i * 15_000L) + (i % 7 * 1_000), XorChunkTests.SpecialValueBits[i % XorChunkTests.SpecialValueBits.Length]))
            .ToList();
        using var chunk = ChunkAssert.Encode(samples);
        byte[] bytes = chunk.Bytes.ToArray();
        var it = new XorIterator();
        for (int length = 2; length < bytes.Length; length++)
        {
            it.Reset(bytes.AsMemory(0, length));
            int read = 0;
            var e = Record.Exception(() =>
            {
                while (it.Next())
                {
                    read++;
                }
            });

            // The last byte always holds at least one written bit, so every cut loses data and must throw.
            Assert.True(e is CorruptChunkException, $"length {length}: read {read}, {e}");
        }
    }

    [Fact]
    public void A_value_window_wider_than_64_bits_is_corrupt()
    {
        // Sample 1's value: 1 1, 31 leading zeros (11111), 40 meaningful bits (101000): 71 > 64.
        byte[] bytes = [0x00, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0b1111_1111, 0b0100_0000, 0, 0, 0, 0, 0, 0];
        var it = new XorIterator();
        it.Reset(bytes);
        Assert.True(it.Next());
        var e = Assert.Throws<CorruptChunkException>(() => it.Next());
        Assert.Contains("31 leading zeros and 40 meaningful bits", e.Message, StringComparison.Ordinal);
    }
}
