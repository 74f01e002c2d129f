using System.Buffers;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// Where one select copies what it must not read in place (open chunks, out-of-order samples): pages rented from
/// <see cref="ArrayPool{T}.Shared"/> and filled end to end, returned all at once when the series set is disposed.
/// One rented array per series would outrun the pool's few buffers per size on a large result, and allocate.
/// Not thread-safe: a series set is read by one thread.
/// </summary>
internal sealed class SnapshotArena : IDisposable
{
    private const int BytePage = 16 * 1024;
    private const int SamplePage = 1024;
    private const int ChunkPage = 256;

    private readonly Pages<byte> _bytes = new(BytePage);
    private readonly Pages<long> _timestamps = new(SamplePage);
    private readonly Pages<ulong> _bits = new(SamplePage);
    private readonly Pages<ClosedChunk> _chunks = new(ChunkPage);

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes) => _bytes.Copy(bytes);

    /// <summary>A copy of closed-chunk refs (a series' chunks in a range: the head keeps them as a chain).</summary>
    public ReadOnlyMemory<ClosedChunk> Copy(ReadOnlySpan<ClosedChunk> chunks) => _chunks.Copy(chunks);

    public (ReadOnlyMemory<long> Timestamps, ReadOnlyMemory<ulong> Bits) Copy(ReadOnlySpan<long> timestamps, ReadOnlySpan<ulong> bits) =>
        (_timestamps.Copy(timestamps), _bits.Copy(bits));

    /// <summary>A point to <see cref="Rewind"/> to, to take back the copies of a series that turned out empty.</summary>
    public (int Bytes, int Timestamps, int Bits, int Chunks) Mark() => (_bytes.Used, _timestamps.Used, _bits.Used, _chunks.Used);

    public void Rewind((int Bytes, int Timestamps, int Bits, int Chunks) mark)
    {
        _bytes.Rewind(mark.Bytes);
        _timestamps.Rewind(mark.Timestamps);
        _bits.Rewind(mark.Bits);
        _chunks.Rewind(mark.Chunks);
    }

    public void Dispose()
    {
        _bytes.Dispose();
        _timestamps.Dispose();
        _bits.Dispose();
        _chunks.Dispose();
    }

    /// <summary>A bump allocator over rented pages; what does not fit the current page gets a fresh one (or its own, if larger).</summary>
    private sealed class Pages<T>(int pageSize) : IDisposable
    {
        private readonly List<T[]> _full = [];
        private T[]? _current;
        private int _used;

        /// <summary>Used length of the current page (rewinding never crosses pages).</summary>
        public int Used => _used;

        public ReadOnlyMemory<T> Copy(ReadOnlySpan<T> items)
        {
            if (items.IsEmpty)
            {
                return ReadOnlyMemory<T>.Empty;
            }

            if (_current is null || _current.Length - _used < items.Length)
            {
                if (_current is not null)
                {
                    _full.Add(_current);
                }

                _current = ArrayPool<T>.Shared.Rent(Math.Max(pageSize, items.Length));
                _used = 0;
            }

            var target = _current.AsMemory(_used, items.Length);
            items.CopyTo(target.Span);
            _used += items.Length;
            return target;
        }

        public void Rewind(int used) => _used = Math.Min(_used, used);

        public void Dispose()
        {
            // Chunk refs hold page references: cleared, so a pooled array does not keep pages alive.
            bool clear = System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>();
            foreach (var page in _full)
            {
                ArrayPool<T>.Shared.Return(page, clear);
            }

            _full.Clear();
            if (_current is not null)
            {
                ArrayPool<T>.Shared.Return(_current, clear);
                _current = null;
            }
        }
    }
}
