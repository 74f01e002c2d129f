using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A whole file mapped read-only into memory (Prometheus's <c>fileutil.MmapFile</c>), seen as one
/// <see cref="ReadOnlyMemory{T}"/>, so readers slice it into spans and memories without copying or allocating.
/// The page cache, not the heap, holds the data, and the kernel pages it in as queries touch it.
/// </summary>
/// <remarks>
/// Slices must not be used after <see cref="Dispose"/>, which unmaps the file: <see cref="Block"/> counts its
/// readers and disposes only when the last one is done. Files longer than <see cref="int.MaxValue"/> bytes are
/// refused (BlockFormat.cs, difference 6). An empty file cannot be mapped and is reported as corrupt.
/// </remarks>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;
    private bool _disposed;

    private MappedFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, int length)
    {
        (Path, _file, _view, _length) = (path, file, view, length);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
    }

    public string Path { get; }

    public int Length => _length;

    public static MappedFile Open(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new CorruptBlockException(path, 0, "the file is empty");
        }

        if (length > int.MaxValue)
        {
            throw new CorruptBlockException(path, 0, $"{length} bytes is more than the 2 GiB a block file may hold");
        }

        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new MappedFile(path, file, view, (int)length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Span<byte>(_pointer, _length);
    }

    /// <summary>Nothing to pin: the mapping does not move until it is disposed.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
