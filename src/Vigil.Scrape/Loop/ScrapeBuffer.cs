using System.Buffers;

namespace Vigil.Scrape.Loop;

/// <summary>
/// The body of one target's scrapes: an array rented from the shared pool for the scrape and returned after it
/// (<see cref="Release"/>), so a thousand targets that scrape at different moments share a few arrays instead of
/// each keeping its largest body between scrapes (issue 4's 1,000 x 1,000 memory target). The next rent asks for
/// the last body's size, as Prometheus sizes the next scrape buffer from the last one. One per scrape loop; not
/// thread-safe.
/// </summary>
internal sealed class ScrapeBuffer : IDisposable
{
    private const int InitialSize = 16 * 1024;

    private byte[] _array = [];
    private int _sizeHint = InitialSize;

    /// <summary>Bytes of the current body.</summary>
    public int Length { get; private set; }

    /// <summary>The current body; valid until the next scrape.</summary>
    public ReadOnlySpan<byte> Body => _array.AsSpan(0, Length);

    /// <summary>The buffer's capacity (diagnostics and tests).</summary>
    public int Capacity => _array.Length;

    public void Reset() => Length = 0;

    /// <summary>Free space after the body, at least <paramref name="minimum"/> bytes, growing the array if needed.</summary>
    public Memory<byte> GetFreeSpace(int minimum)
    {
        if (_array.Length == 0)
        {
            _array = ArrayPool<byte>.Shared.Rent(Math.Max(_sizeHint, minimum));
        }

        if (_array.Length - Length < minimum)
        {
            long wanted = Math.Max((long)_array.Length * 2, (long)Length + minimum);
            int size = (int)Math.Min(wanted, Array.MaxLength);
            if (size - Length < minimum)
            {
                throw new ScrapeException("response body is larger than the largest buffer this process can hold");
            }

            byte[] bigger = ArrayPool<byte>.Shared.Rent(size);
            _array.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        return _array.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Returns the array to the pool between scrapes; the body is gone, the next scrape rents again.</summary>
    public void Release()
    {
        if (Length > 0)
        {
            // A little headroom, so a body that grows slowly does not copy on every scrape.
            _sizeHint = (int)Math.Min(Math.Max(InitialSize, Length + (Length / 8)), Array.MaxLength);
        }

        Dispose();
    }

    public void Dispose()
    {
        byte[] array = _array;
        _array = [];
        Length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

/// <summary>
/// A scrape failed for a reason outside Vigil's control (HTTP status, timeout, limits, malformed body). The
/// message is what <c>scrape_error</c> shows; the loop catches it, sets <c>up</c> to 0 and keeps running.
/// </summary>
internal sealed class ScrapeException : Exception
{
    public ScrapeException()
    {
    }

    public ScrapeException(string message)
        : base(message)
    {
    }

    public ScrapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
