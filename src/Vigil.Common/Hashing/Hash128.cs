using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Common.Hashing;

/// <summary>
/// A fast 128-bit hash for keys that live only in this process: the WAL's series table (issue 5) and config
/// fingerprints. Two 64-bit multiply-rotate lanes over 8-byte words, different constants and per-process seeds each,
/// each with its own avalanche. Not a cryptographic hash; it keeps OpenSSL out of a process that needs no TLS
/// (libcrypto and its shim were ~6 MiB of RSS when config fingerprints were SHA-256).
/// </summary>
public static class Hash128
{
    private const ulong M1 = 0x9E3779B97F4A7C15;
    private const ulong M2 = 0xC2B2AE3D27D4EB4F;

    // Per-process seeds: nothing hashed here is stored, so the hash need not be stable across runs, and a sender
    // that does not know the seeds cannot craft two label sets that collide (the per-word mixing is invertible, so
    // with fixed seeds a colliding pair is easy to construct).
    private static readonly ulong Seed1 = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);
    private static readonly ulong Seed2 = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);

    /// <summary>The hash of <paramref name="data"/>: equal for equal bytes within one process.</summary>
    public static (ulong H1, ulong H2) Hash(ReadOnlySpan<byte> data)
    {
        var (h1, h2) = Start(data.Length);
        while (data.Length >= 8)
        {
            Round(ref h1, ref h2, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        return Finish(h1, h2, tail);
    }

    private static (ulong H1, ulong H2) Start(int length) => (((ulong)length * M1) ^ Seed1, (~(ulong)length * M2) ^ Seed2);

    private static void Round(ref ulong h1, ref ulong h2, ulong word)
    {
        h1 = BitOperations.RotateLeft((h1 ^ word) * M1, 31);
        h2 = BitOperations.RotateLeft((h2 ^ word) * M2, 27) + h1;
    }

    private static (ulong H1, ulong H2) Finish(ulong h1, ulong h2, ulong tail)
    {
        h1 = (h1 ^ tail) * M1;
        h2 = ((h2 ^ tail) * M2) + h1;
        return (Mix(h1, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53), Mix(h2, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9));
    }

    private static ulong Mix(ulong h, ulong a, ulong b)
    {
        h ^= h >> 33;
        h *= a;
        h ^= h >> 29;
        h *= b;
        return h ^ (h >> 32);
    }

    /// <summary>
    /// <see cref="Hash"/> of bytes given in pieces, without joining them: the receiver hashes a label set's canonical
    /// encoding from the labels where they lie in the request (issue 5: no copy, and no second table keyed by the
    /// raw bytes). The total length must be known first, as <see cref="Hash"/> starts from it.
    /// </summary>
    public struct Streaming
    {
        private ulong _h1;
        private ulong _h2;
        private ulong _word;
        private int _wordBytes;

        public Streaming(int totalLength) => (_h1, _h2) = Start(totalLength);

        public void Append(ReadOnlySpan<byte> data)
        {
            // Pieces are mostly a few bytes (a length, a label name): they fill the pending word a byte at a time,
            // and only runs of whole words after it are read as words.
            int i = 0;
            if (_wordBytes > 0)
            {
                for (; i < data.Length && _wordBytes < 8; i++)
                {
                    _word |= (ulong)data[i] << (8 * _wordBytes++);
                }

                if (_wordBytes < 8)
                {
                    return;
                }

                Round(ref _h1, ref _h2, _word);
                (_word, _wordBytes) = (0, 0);
            }

            for (; data.Length - i >= 8; i += 8)
            {
                Round(ref _h1, ref _h2, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            }

            for (; i < data.Length; i++)
            {
                _word |= (ulong)data[i] << (8 * _wordBytes++);
            }
        }

        public void AppendUvarint(ulong value)
        {
            while (value >= 0x80)
            {
                AppendByte((byte)(value | 0x80));
                value >>= 7;
            }

            AppendByte((byte)value);
        }

        private void AppendByte(byte value)
        {
            _word |= (ulong)value << (8 * _wordBytes++);
            if (_wordBytes == 8)
            {
                Round(ref _h1, ref _h2, _word);
                (_word, _wordBytes) = (0, 0);
            }
        }

        public readonly (ulong H1, ulong H2) Finish() => Hash128.Finish(_h1, _h2, _word);
    }
}
