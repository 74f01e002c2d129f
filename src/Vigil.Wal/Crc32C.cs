using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Wal;

/// <summary>CRC-32C (Castagnoli), as used by Prometheus' WAL; BitOperations maps to the SSE4.2/ARMv8 instruction.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC returned by <see cref="Compute"/> (or by this) over more bytes: the result equals one
    /// <see cref="Compute"/> over the concatenation. Lets a writer checksum a field and a payload that live apart.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
