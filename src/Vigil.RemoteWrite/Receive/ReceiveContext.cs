using System.Buffers;
using Vigil.RemoteWrite.Codec;
using Vigil.Wal;

namespace Vigil.RemoteWrite.Receive;

/// <summary>
/// Everything one request needs, reused across requests (CONVENTIONS.md, "pool per request"):
/// the decompressed body, decoded slices, canonical label keys, resolved refs and the WAL batches.
/// </summary>
internal sealed class ReceiveContext
{
    // A buffer this large is returned after use rather than kept: one huge push should not pin
    // tens of MiB in every pooled context forever.
    private const int KeepLimit = 8 << 20;

    public DecodedWriteRequest Request { get; } = new();

    public WalBatch SeriesBatch { get; } = new();

    public WalBatch SamplesBatch { get; } = new();

    public byte[] Body { get; private set; } = [];

    public byte[] Keys { get; private set; } = [];

    /// <summary>Per series: start of its canonical key in <see cref="Keys"/>, or -1 when rejected.</summary>
    public int[] KeyStarts { get; private set; } = [];

    public int[] KeyLengths { get; private set; } = [];

    public ulong[] Refs { get; private set; } = [];

    /// <summary>Two per series: its labels' canonical key hashed (<see cref="SeriesTable.HashLabels"/>), for the lookup of known series.</summary>
    public ulong[] KeyHashes { get; private set; } = [];

    public int KeysLength { get; set; }

    public Span<byte> RentBody(int length)
    {
        Body = Grow(Body, length, keep: false);
        return Body.AsSpan(0, length);
    }

    /// <summary>Makes room for <paramref name="extra"/> more key bytes.</summary>
    public Span<byte> KeySpace(int extra)
    {
        if (KeysLength + extra > Keys.Length)
        {
            Keys = Grow(Keys, KeysLength + extra, keep: true);
        }

        return Keys.AsSpan(KeysLength, extra);
    }

    public void PrepareSeries(int count)
    {
        if (KeyStarts.Length < count)
        {
            var size = Math.Max(count, KeyStarts.Length * 2);
            KeyStarts = new int[size];
            KeyLengths = new int[size];
            Refs = new ulong[size];
            KeyHashes = new ulong[2 * size];
        }
    }

    public void Reset()
    {
        Request.Reset();
        SeriesBatch.Reset();
        SamplesBatch.Reset();
        KeysLength = 0;
        if (Body.Length > KeepLimit)
        {
            ArrayPool<byte>.Shared.Return(Body);
            Body = [];
        }

        if (Keys.Length > KeepLimit)
        {
            ArrayPool<byte>.Shared.Return(Keys);
            Keys = [];
        }
    }

    private static byte[] Grow(byte[] current, int needed, bool keep)
    {
        if (current.Length >= needed)
        {
            return current;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, current.Length * 2));
        if (current.Length > 0)
        {
            if (keep)
            {
                current.AsSpan().CopyTo(bigger);
            }

            ArrayPool<byte>.Shared.Return(current);
        }

        return bigger;
    }
}
