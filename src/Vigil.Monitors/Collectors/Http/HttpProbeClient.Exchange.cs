using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>What the collector sends: built once per round from the monitor's params.</summary>
/// <param name="Method">An HTTP token (validated by the collector).</param>
/// <param name="Headers">The <c>headers</c> param, written as given.</param>
/// <param name="Authorization">The whole <c>Authorization</c> value, or null.</param>
/// <param name="Body">Sent as UTF-8 with a Content-Length, or null.</param>
internal sealed record ProbeRequest(string Method, IEnumerable<KeyValuePair<string, string>> Headers, string? Authorization, string? Body);

/// <param name="ContentLength">The Content-Length header, if any.</param>
/// <param name="BodyBytes">Bytes of body received (after chunked framing).</param>
/// <param name="Body">The first <see cref="HttpProbeClient.MaxKeptBodyBytes"/> bytes as UTF-8, when asked for.</param>
/// <param name="Location">The Location header, if any (redirects).</param>
internal readonly record struct ProbeResponse(int Status, long? ContentLength, long BodyBytes, string? Body, string? Location);

/// <summary>One request and its response on the connection (RFC 9112): the buffer is rented for the exchange only.</summary>
internal sealed partial class HttpProbeClient
{
    /// <summary>What a keyword can be searched in; the rest of a body is counted, not kept.</summary>
    public const int MaxKeptBodyBytes = 10 << 20;

    private const int InitialBufferBytes = 4096;
    private const int MaxHeadBytes = 64 << 10;

    private sealed partial class Exchange : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        private Stream _stream = Stream.Null;
        private int _start;
        private int _end;
        private long _bodyBytes;
        private MemoryStream? _kept;

        /// <summary>Whether any response byte arrived (if not, a reused connection may simply have been closed while idle).</summary>
        public bool ReceivedAny { get; private set; }

        /// <summary>Whether the connection may carry the next request.</summary>
        public bool KeepAlive { get; private set; }

        public async Task<ProbeResponse> RunAsync(Stream stream, ProbeRequest request, Uri url, bool keepBody, CancellationToken cancellationToken)
        {
            (_stream, _start, _end, _bodyBytes, ReceivedAny) = (stream, 0, 0, 0, false);
            _kept = keepBody ? new MemoryStream() : null;
            try
            {
                var length = WriteRequest(request, url);
                await _stream.WriteAsync(_buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                _end = 0;
                ResponseHead head;
                do
                {
                    head = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
                }
                while (head.Status is >= 100 and < 200 and not 101); // interim responses (100 Continue) precede the real one

                var delimited = await ReadBodyAsync(head, request.Method, cancellationToken).ConfigureAwait(false);
                KeepAlive = head.KeepAlive && delimited && _start == _end;
                var body = _kept is null ? null : Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);
                return new ProbeResponse(head.Status, head.ContentLength, _bodyBytes, body, head.Location);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                throw new HttpRequestException(ex.Message, ex);
            }
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _kept?.Dispose();
        }

        private async Task<ResponseHead> ReadHeadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    var head = ParseHead(_buffer.AsSpan(_start, end + 2));
                    _start += end + 4;
                    return head;
                }

                if (_end - _start >= MaxHeadBytes)
                {
                    ThrowProtocol($"response headers longer than {MaxHeadBytes} bytes");
                }

                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    ThrowProtocol(ReceivedAny ? "the connection closed inside the response headers" : "the server closed the connection without answering");
                }
            }
        }

        /// <returns>False when the body ended with the connection, which then cannot be reused.</returns>
        private async Task<bool> ReadBodyAsync(ResponseHead head, string method, CancellationToken cancellationToken)
        {
            if (method == "HEAD" || head.Status is 204 or 304)
            {
                return true;
            }

            if (head.Chunked)
            {
                await ReadChunkedAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (head.ContentLength is { } length)
            {
                await ReadExactlyAsync(length, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Neither length nor chunks: the body ends when the server closes (RFC 9112 §6.3, rule 8).
                do
                {
                    Consume(_end - _start);
                }
                while (await FillAsync(cancellationToken).ConfigureAwait(false));
                return false;
            }

            return true;
        }

        private async Task ReadExactlyAsync(long length, CancellationToken cancellationToken)
        {
            while (true)
            {
                var take = (int)Math.Min(length, _end - _start);
                Consume(take);
                length -= take;
                if (length == 0)
                {
                    return;
                }

                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    ThrowProtocol("the connection closed inside the response body");
                }
            }
        }

        private async Task ReadChunkedAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var size = await ReadChunkSizeAsync(cancellationToken).ConfigureAwait(false);
                if (size == 0)
                {
                    // Trailer fields, then the empty line that ends the message.
                    while (await ReadLineLengthAsync(cancellationToken).ConfigureAwait(false) > 0)
                    {
                    }

                    return;
                }

                await ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false);
                if (await ReadLineLengthAsync(cancellationToken).ConfigureAwait(false) != 0)
                {
                    ThrowProtocol("chunk data longer than its size");
                }
            }
        }

        private async Task<long> ReadChunkSizeAsync(CancellationToken cancellationToken)
        {
            var length = await ReadLineLengthAsync(cancellationToken).ConfigureAwait(false);
            var line = _buffer.AsSpan(_start - length - 2, length);
            var semicolon = line.IndexOf((byte)';');
            line = (semicolon >= 0 ? line[..semicolon] : line).Trim((byte)' ');
            if (!Utf8Parser.TryParse(line, out ulong size, out var used, 'x') || used != line.Length || size > long.MaxValue)
            {
                ThrowProtocol("invalid chunk size");
            }

            return (long)size;
        }

        /// <summary>Reads one CRLF-terminated line and consumes it; returns its length without the CRLF.</summary>
        private async Task<int> ReadLineLengthAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (end >= 0)
                {
                    _start += end + 2;
                    return end;
                }

                if (_end - _start >= MaxHeadBytes)
                {
                    ThrowProtocol("a chunk line is too long");
                }

                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    ThrowProtocol("the connection closed inside a chunked body");
                }
            }
        }

        /// <summary>Counts <paramref name="count"/> buffered body bytes, keeps them if asked (up to the cap), and drops them.</summary>
        private void Consume(int count)
        {
            if (_kept is { } kept && kept.Length < MaxKeptBodyBytes)
            {
                kept.Write(_buffer, _start, (int)Math.Min(count, MaxKeptBodyBytes - kept.Length));
            }

            _bodyBytes += count;
            _start += count;
        }

        /// <summary>Reads more into the buffer (compacting or growing it up to the head limit); false at end of stream.</summary>
        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _buffer.Length)
            {
                var live = _end - _start;
                var target = live < _buffer.Length / 2 ? _buffer : ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxHeadBytes + 4));
                Buffer.BlockCopy(_buffer, _start, target, 0, live);
                if (!ReferenceEquals(target, _buffer))
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = target;
                }

                (_start, _end) = (0, live);
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _end += read;
            ReceivedAny |= read > 0;
            return read > 0;
        }

        [DoesNotReturn]
        private static void ThrowProtocol(string message) => throw new HttpRequestException($"invalid HTTP response: {message}");
    }
}
