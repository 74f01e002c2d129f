using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>The request head written and the response head parsed (RFC 9112 §3, §4, §5).</summary>
internal sealed partial class HttpProbeClient
{
    /// <summary>The fields of a response head the probe acts on.</summary>
    private readonly record struct ResponseHead(int Status, long? ContentLength, bool Chunked, bool KeepAlive, string? Location);

    private sealed partial class Exchange
    {
        /// <summary>The request head and body into the buffer (grown if they need it); returns their length.</summary>
        private int WriteRequest(ProbeRequest request, Uri url)
        {
            var body = request.Body is { Length: > 0 } text ? text : null;
            var length = 0;
            Append(ref length, request.Method);
            Append(ref length, " ");
            Append(ref length, url.PathAndQuery);
            Append(ref length, " HTTP/1.1\r\nHost: ");
            Append(ref length, url.HostNameType == UriHostNameType.IPv6 ? "[" + url.IdnHost + "]" : url.IdnHost);
            if (!url.IsDefaultPort)
            {
                Append(ref length, ":");
                Append(ref length, url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Append(ref length, "\r\n");
            foreach (var (name, value) in request.Headers)
            {
                Header(ref length, name, value);
            }

            if (request.Authorization is { } authorization)
            {
                Header(ref length, "Authorization", authorization);
            }

            if (body is not null)
            {
                Header(ref length, "Content-Length", Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Append(ref length, "\r\n");
            if (body is not null)
            {
                Append(ref length, body);
            }

            return length;
        }

        private void Header(ref int length, string name, string value)
        {
            if (name.AsSpan().IndexOfAny("\r\n:") >= 0 || value.AsSpan().IndexOfAny('\r', '\n') >= 0 || name.Length == 0)
            {
                // A line break would let a param smuggle a second request onto the monitor's connection.
                throw new CollectException("config", $"header '{name}' has an invalid name or a line break in its value");
            }

            Append(ref length, name);
            Append(ref length, ": ");
            Append(ref length, value);
            Append(ref length, "\r\n");
        }

        private void Append(ref int length, string text)
        {
            var needed = Encoding.UTF8.GetByteCount(text);
            if (_buffer.Length - length < needed)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, length + needed));
                Buffer.BlockCopy(_buffer, 0, larger, 0, length);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(length));
        }

        /// <summary>Status line and header fields, without the blank line.</summary>
        private static ResponseHead ParseHead(ReadOnlySpan<byte> head)
        {
            var lineEnd = head.IndexOf("\r\n"u8);
            var statusLine = head[..lineEnd];
            var status = 0;
            // "HTTP/1.x 200 reason": the version, a space, three digits, then a space or the end.
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
                || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out status, out var used) || used != 3 || status < 100
                || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
            {
                ThrowProtocol("bad status line");
            }

            var keepAlive = statusLine[7] == (byte)'1';
            long? contentLength = null;
            var chunked = false;
            string? location = null;
            var rest = head[(lineEnd + 2)..];
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf("\r\n"u8);
                var line = end >= 0 ? rest[..end] : rest;
                rest = end >= 0 ? rest[(end + 2)..] : default;
                var colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    ThrowProtocol("a header line without a name");
                }

                var name = line[..colon];
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
                {
                    contentLength = ContentLength(value, contentLength);
                }
                else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
                {
                    chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
                {
                    keepAlive = Connection(value, keepAlive);
                }
                else if (Ascii.EqualsIgnoreCase(name, "location"u8))
                {
                    location = Encoding.UTF8.GetString(value);
                }
            }

            // Chunked framing wins over a Content-Length sent beside it (RFC 9112 §6.3, rule 3).
            return new ResponseHead(status, contentLength, chunked, keepAlive, location);
        }

        private static long ContentLength(ReadOnlySpan<byte> value, long? earlier)
        {
            if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0 || (earlier is { } other && other != length))
            {
                ThrowProtocol("invalid Content-Length");
            }

            return length;
        }

        /// <summary>HTTP/1.1 keeps the connection unless told <c>close</c>; 1.0 closes it unless told <c>keep-alive</c>.</summary>
        private static bool Connection(ReadOnlySpan<byte> value, bool keepAlive)
        {
            foreach (var range in value.Split((byte)','))
            {
                var token = value[range].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(token, "close"u8))
                {
                    return false;
                }

                if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
                {
                    keepAlive = true;
                }
            }

            return keepAlive;
        }
    }
}
