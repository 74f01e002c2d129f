using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb;

/// <summary>
/// Where the head keeps the chunks it has closed (Prometheus's <c>chunks_head</c> and its <c>ChunkDiskMapper</c>):
/// segment files of <see cref="SegmentSize"/> bytes under <c>&lt;tsdb&gt;/chunks_head</c>, written a
/// <see cref="PageSize"/> page at a time and read through a read-only memory map. A closed chunk then costs the
/// process its page-cache pages only while a query reads it, not heap for the 2 h the head keeps it; that is most
/// of the head's memory (issue 5's RSS target: 100k series hold 48M samples, ~1.5 KiB of chunks each, at 2 h).
/// </summary>
/// <remarks>
/// <para>A chunk is addressed by a 64-bit ref (page number, offset) and stored after a 24-byte header: min time,
/// max time as an offset from it, length, and the ref of the same series' previous closed chunk. So a head series
/// keeps only the ref of its newest closed chunk and a count, and walks the chain for older ones (issue 5, RSS per
/// active series: a 32-byte entry per chunk in a per-series array was 14.5 MiB at 100k series, and it made chunks
/// shorter than 120 samples, whose open buffer is smaller, cost more).</para>
/// <para>Without a directory (<see cref="InMemory"/>) the pages stay on the heap; nothing else changes.</para>
/// Unlike Prometheus's, these files are not read at start-up: the head is rebuilt from the instance WALs (issue 5:
/// "so there is no second WAL"), so <see cref="Open"/> empties the directory. Segments whose chunks are all older
/// than a truncation point are retired, and unmapped and deleted once no querier holds a lease
/// (<see cref="AcquireLease"/>): a query's snapshot may still point into them.
/// </remarks>
internal sealed class HeadChunkFile : IDisposable
{
    /// <summary>
    /// Bytes written at once: few writes, and little heap for chunks not yet on disk. Under the 85,000 bytes at which
    /// .NET allocates in the large object heap, so a written page is young garbage, not LOH that waits for a full GC.
    /// </summary>
    public const int PageSize = 64 << 10;

    /// <summary>Prometheus's head chunk segment size (<c>MaxHeadChunkFileSize</c>).</summary>
    public const long SegmentSize = 128L << 20;

    /// <summary>Bytes before each chunk: min time (8), max time - min time (4), length (4), previous chunk's ref (8).</summary>
    public const int HeaderSize = 24;

    /// <summary>The ref of no chunk: the end of a series' chain.</summary>
    public const ulong NoChunk = ulong.MaxValue;

    private readonly string? _directory;
    private readonly Lock _lock = new();
    private readonly List<Segment> _segments = [];
    private readonly List<Segment> _retired = [];
    private PageTable _table = new(0, new HeadChunkPage?[64]);
    private HeadChunkPage _page;
    private int _pageNumber;
    private int _nextIndex;
    private int _leases;
    private bool _disposed;

    private readonly long _segmentSize;

    private HeadChunkFile(string? directory, long segmentSize)
    {
        (_directory, _segmentSize) = (directory, segmentSize);
        _page = new HeadChunkPage(PageSize);
        _table.Pages[0] = _page;
    }

    /// <summary>Segments on disk, retired ones not yet deleted included.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count + _retired.Count;
            }
        }
    }

    /// <summary>Pages not yet dropped (in memory, or in a segment that is still mapped); for tests.</summary>
    internal int LivePages
    {
        get
        {
            var table = Volatile.Read(ref _table);
            return table.Pages.Count(p => p is not null);
        }
    }

    /// <param name="segmentSize">Bytes per segment file; smaller than <see cref="SegmentSize"/> only in tests.</param>
    public static HeadChunkFile Open(string directory, long segmentSize = SegmentSize)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        return new HeadChunkFile(directory, Math.Max(segmentSize, PageSize));
    }

    /// <summary>Pages on the heap, never written (a head without a chunk directory: tests, tools).</summary>
    public static HeadChunkFile InMemory() => new(null, SegmentSize);

    /// <summary>
    /// Stores a closed chunk with its time range and the ref of the series' previous chunk (<see cref="NoChunk"/>
    /// for its first); returns the new chunk's ref.
    /// </summary>
    public ulong Add(ReadOnlySpan<byte> chunk, long minTime, long maxTime, ulong previous)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt64LittleEndian(header, minTime);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], checked((int)(maxTime - minTime)));
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], chunk.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], previous);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_page.TryAdd(header, chunk, maxTime, out int offset))
            {
                WritePage();
                _page = new HeadChunkPage(Math.Max(PageSize, HeaderSize + chunk.Length));
                _pageNumber++;
                AddToTable(_pageNumber, _page);
                _page.TryAdd(header, chunk, maxTime, out offset);
            }

            return ((ulong)(uint)_pageNumber << 32) | (uint)offset;
        }
    }

    /// <summary>
    /// The chunk at <paramref name="chunkRef"/> and the ref of the one before it. The caller must know the chunk is
    /// kept (its series has not truncated it): a dropped page throws.
    /// </summary>
    public ClosedChunk Read(ulong chunkRef, out ulong previous)
    {
        var table = Volatile.Read(ref _table);
        int number = (int)(chunkRef >> 32);
        int offset = (int)(uint)chunkRef;
        int index = number - table.First;
        var page = (uint)index < (uint)table.Pages.Length ? table.Pages[index] : null;
        if (page is null)
        {
            throw new InvalidOperationException($"head chunk page {number} was dropped while a series still referred to it");
        }

        var header = page.Slice(offset, HeaderSize).Span;
        long minTime = BinaryPrimitives.ReadInt64LittleEndian(header);
        long maxTime = minTime + BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        previous = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        return new ClosedChunk(page.Slice(offset + HeaderSize, length), minTime, maxTime);
    }

    /// <summary>
    /// Drops what holds only chunks that end before <paramref name="mint"/> (the head's series dropped them first):
    /// segments are retired, and deleted once no querier reads them; heap pages leave the table at once (a reader's
    /// slices keep their arrays alive).
    /// </summary>
    public void TruncateBefore(long mint)
    {
        lock (_lock)
        {
            if (_directory is null)
            {
                var table = _table;
                for (int i = 0; i < table.Pages.Length; i++)
                {
                    if (table.Pages[i] is { } page && page != _page && page.MaxTime < mint)
                    {
                        table.Pages[i] = null;
                    }
                }

                return;
            }

            // The newest segment stays: pages still go into it.
            for (int i = _segments.Count - 2; i >= 0; i--)
            {
                if (_segments[i].MaxTime < mint)
                {
                    _retired.Add(_segments[i]);
                    _segments.RemoveAt(i);
                }
            }

            DeleteRetiredIfUnread();
        }
    }

    /// <summary>Keeps retired segments mapped until the returned lease is disposed; a querier holds one.</summary>
    public Lease AcquireLease()
    {
        lock (_lock)
        {
            _leases++;
        }

        return new Lease(this);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _retired.AddRange(_segments);
            _segments.Clear();
            _leases = 0;
            DeleteRetiredIfUnread();
        }
    }

    private void Release()
    {
        lock (_lock)
        {
            _leases--;
            DeleteRetiredIfUnread();
        }
    }

    private void WritePage()
    {
        if (_directory is null || _page.Used == 0)
        {
            return;
        }

        var segment = _segments.Count > 0 && _segments[^1].Used + _page.Used <= _segmentSize ? _segments[^1] : NewSegment(_page.Used);
        RandomAccess.Write(segment.Handle, _page.Filled, segment.Used);
        _page.MoveTo(segment.Map, (int)segment.Used);
        segment.Used += _page.Used;
        segment.MaxTime = Math.Max(segment.MaxTime, _page.MaxTime);
        segment.LastPage = _pageNumber;
    }

    /// <param name="minSize">The page to go in first: a page of one chunk larger than a segment gets a segment of its size.</param>
    private Segment NewSegment(long minSize)
    {
        string path = Path.Combine(_directory!, (++_nextIndex).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        try
        {
            // Sized once, sparse, so the whole segment is mapped once; only written pages take disk.
            RandomAccess.SetLength(handle, Math.Max(_segmentSize, minSize));
            var segment = new Segment(path, handle, MappedFile.Open(path)) { FirstPage = _pageNumber, LastPage = _pageNumber };
            _segments.Add(segment);
            return segment;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Puts a new page in the table; a full table is replaced by a larger one without its dropped head.</summary>
    private void AddToTable(int number, HeadChunkPage page)
    {
        var table = _table;
        int index = number - table.First;
        if (index >= table.Pages.Length)
        {
            int firstLive = 0;
            while (firstLive < table.Pages.Length && table.Pages[firstLive] is null)
            {
                firstLive++;
            }

            int live = table.Pages.Length - firstLive;
            var pages = new HeadChunkPage?[Math.Max(64, live * 2)];
            Array.Copy(table.Pages, firstLive, pages, 0, live);
            table = new PageTable(table.First + firstLive, pages);
            Volatile.Write(ref _table, table);
            index = number - table.First;
        }

        table.Pages[index] = page;
    }

    private void DeleteRetiredIfUnread()
    {
        if (_leases > 0)
        {
            return;
        }

        foreach (var segment in _retired)
        {
            var table = _table;
            for (int number = segment.FirstPage; number <= segment.LastPage; number++)
            {
                int index = number - table.First;
                if ((uint)index < (uint)table.Pages.Length && table.Pages[index] != _page)
                {
                    table.Pages[index] = null;
                }
            }

            ((IDisposable)segment.Map).Dispose();
            segment.Handle.Dispose();
            File.Delete(segment.Path);
        }

        _retired.Clear();
    }

    internal sealed class Segment(string path, SafeFileHandle handle, MappedFile map)
    {
        public string Path { get; } = path;

        public SafeFileHandle Handle { get; } = handle;

        public MappedFile Map { get; } = map;

        public long Used { get; set; }

        public long MaxTime { get; set; } = long.MinValue;

        /// <summary>Numbers of the first and last page written into the segment (pages go in in order).</summary>
        public int FirstPage { get; init; }

        public int LastPage { get; set; }
    }

    /// <summary>
    /// Pages by number, from <see cref="First"/>; replaced whole when it grows, so a reader that read the field sees
    /// a consistent table. Entries become null when their page is dropped.
    /// </summary>
    private sealed class PageTable(int first, HeadChunkPage?[] pages)
    {
        public int First { get; } = first;

        public HeadChunkPage?[] Pages { get; } = pages;
    }

    /// <summary>Disposing it once releases the lease; later disposals do nothing.</summary>
    internal sealed class Lease(HeadChunkFile? file) : IDisposable
    {
        private HeadChunkFile? _file = file;

        public void Dispose() => Interlocked.Exchange(ref _file, null)?.Release();
    }
}
