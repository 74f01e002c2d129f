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

    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly List<Segment> _segments = [];
    private readonly List<Segment> _retired = [];
    private HeadChunkPage _page = new(PageSize);
    private int _nextIndex;
    private int _leases;
    private bool _disposed;

    private readonly long _segmentSize;

    private HeadChunkFile(string directory, long segmentSize) => (_directory, _segmentSize) = (directory, segmentSize);

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

    /// <summary>Stores a closed chunk; the result reads it wherever it is (page in memory, then the segment).</summary>
    public ReadOnlyMemory<byte> Add(ReadOnlySpan<byte> chunk, long maxTime)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_page.TryAdd(chunk, maxTime, out var slice))
            {
                WritePage();
                _page = new HeadChunkPage(Math.Max(PageSize, chunk.Length));
                _page.TryAdd(chunk, maxTime, out slice);
            }

            return slice;
        }
    }

    /// <summary>Retires the segments whose chunks all end before <paramref name="mint"/> (the head dropped them).</summary>
    public void TruncateBefore(long mint)
    {
        lock (_lock)
        {
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
        if (_page.Used == 0)
        {
            return;
        }

        var segment = _segments.Count > 0 && _segments[^1].Used + _page.Used <= _segmentSize ? _segments[^1] : NewSegment(_page.Used);
        RandomAccess.Write(segment.Handle, _page.Filled, segment.Used);
        _page.MoveTo(segment.Map, (int)segment.Used);
        segment.Used += _page.Used;
        segment.MaxTime = Math.Max(segment.MaxTime, _page.MaxTime);
    }

    /// <param name="minSize">The page to go in first: a page of one chunk larger than a segment gets a segment of its size.</param>
    private Segment NewSegment(long minSize)
    {
        string path = Path.Combine(_directory, (++_nextIndex).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        try
        {
            // Sized once, sparse, so the whole segment is mapped once; only written pages take disk.
            RandomAccess.SetLength(handle, Math.Max(_segmentSize, minSize));
            var segment = new Segment(path, handle, MappedFile.Open(path));
            _segments.Add(segment);
            return segment;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private void DeleteRetiredIfUnread()
    {
        if (_leases > 0)
        {
            return;
        }

        foreach (var segment in _retired)
        {
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
    }

    /// <summary>Disposing it once releases the lease; later disposals do nothing.</summary>
    internal sealed class Lease(HeadChunkFile? file) : IDisposable
    {
        private HeadChunkFile? _file = file;

        public void Dispose() => Interlocked.Exchange(ref _file, null)?.Release();
    }
}
