using System.Buffers;
using System.IO.Compression;

namespace Vigil.Wal;

/// <summary>
/// Every label set the series table took, in insertion order, for the checkpoint (the only reader of them: lookups
/// go by a 128-bit hash). Records (varint length, canonical bytes) fill a 64 KiB block that is Brotli-compressed
/// when full; label sets repeat names and values so much that this keeps a fraction of the ~0.11 KiB a series took
/// in plain slabs (issue 5, RSS per series). Not thread-safe: the table's owners lock around it.
/// </summary>
internal sealed class SeriesLabelLog
{
    private const int BlockSize = 64 << 10;

    /// <summary>A fast level: a block is sealed under lock(wal.Series) about every 600 new series.</summary>
    private const int Quality = 2;
    private const int WindowBits = 16;

    private readonly List<Block> _sealed = [];
    private byte[] _open = new byte[4096];
    private int _openUsed;

    /// <summary>Bytes held, compressed blocks and the open block's array.</summary>
    public long Bytes { get; private set; } = 4096;

    public void Append(ReadOnlySpan<byte> labels)
    {
        int size = Varint.UvarintSize((ulong)labels.Length) + labels.Length;
        if (size > BlockSize - _openUsed)
        {
            Seal();
        }

        if (size > _open.Length - _openUsed)
        {
            // Start small so a WAL with few series holds little; grow to the block size, or past it for one huge set.
            int length = Math.Max(Math.Min(_open.Length * 2, BlockSize), _openUsed + size);
            Bytes += length - _open.Length;
            Array.Resize(ref _open, length);
        }

        _openUsed += Varint.WriteUvarint(_open.AsSpan(_openUsed), (ulong)labels.Length);
        labels.CopyTo(_open.AsSpan(_openUsed));
        _openUsed += labels.Length;
    }

    /// <summary>What has been appended so far, readable after the caller releases its lock: sealed blocks never change.</summary>
    public View Snapshot() => new([.. _sealed], _open.AsSpan(0, _openUsed).ToArray());

    private void Seal()
    {
        if (_openUsed == 0)
        {
            return;
        }

        ReadOnlySpan<byte> raw = _open.AsSpan(0, _openUsed);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(raw.Length));
        try
        {
            Block block = BrotliEncoder.TryCompress(raw, buffer, out int written, Quality, WindowBits) && written < raw.Length
                ? new Block(buffer.AsSpan(0, written).ToArray(), raw.Length, Compressed: true)
                : new Block(raw.ToArray(), raw.Length, Compressed: false);
            _sealed.Add(block);
            Bytes += block.Data.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _openUsed = 0;
        if (_open.Length > BlockSize)
        {
            // Only a huge label set grew it past a block; do not keep that size.
            Bytes -= _open.Length - BlockSize;
            _open = new byte[BlockSize];
        }
    }

    internal readonly record struct Block(byte[] Data, int RawLength, bool Compressed);

    /// <summary>Reads the records in order, one block decoded at a time. Dispose returns its buffer.</summary>
    internal sealed class View(Block[] blocks, byte[] open) : IDisposable
    {
        private byte[] _buffer = [];
        private int _block = -1;
        private int _length;
        private int _position;

        /// <summary>The next label set; the span is valid until the next call.</summary>
        public bool TryReadNext(out ReadOnlySpan<byte> labels)
        {
            while (_position >= _length)
            {
                if (!NextBlock())
                {
                    labels = default;
                    return false;
                }
            }

            Varint.TryReadUvarint(_buffer.AsSpan(_position, _length - _position), out ulong size, out int read);
            _position += read;
            labels = _buffer.AsSpan(_position, (int)size);
            _position += (int)size;
            return true;
        }

        public void Dispose()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }

        private bool NextBlock()
        {
            _block++;
            if (_block > blocks.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> source = _block == blocks.Length ? open : blocks[_block].Data;
            int rawLength = _block == blocks.Length ? open.Length : blocks[_block].RawLength;
            if (_buffer.Length < rawLength)
            {
                Dispose();
                _buffer = ArrayPool<byte>.Shared.Rent(rawLength);
            }

            if (_block < blocks.Length && blocks[_block].Compressed)
            {
                if (!BrotliDecoder.TryDecompress(source, _buffer, out int written) || written != rawLength)
                {
                    throw new InvalidOperationException("a series label block does not decompress to its length");
                }
            }
            else
            {
                source.CopyTo(_buffer);
            }

            _length = rawLength;
            _position = 0;
            return true;
        }
    }
}
