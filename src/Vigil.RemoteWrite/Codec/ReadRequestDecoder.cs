using System.Text;

namespace Vigil.RemoteWrite.Codec;

/// <summary>prompb.LabelMatcher.Type: the four PromQL matchers, numbered as on the wire.</summary>
internal enum RemoteMatchType
{
    Equal = 0,
    NotEqual = 1,
    RegexMatch = 2,
    RegexNoMatch = 3,
}

/// <summary>prompb.ReadRequest.ResponseType.</summary>
internal enum RemoteReadResponseType
{
    Samples = 0,
    StreamedXorChunks = 1,
}

internal sealed record RemoteReadMatcher(RemoteMatchType Type, string Name, string Value);

/// <summary>prompb.ReadHints: what the reader will do with the data; a store may use it to read less.</summary>
internal sealed record RemoteReadHints(long StepMs, string Func, long StartMs, long EndMs, IReadOnlyList<string> Grouping, bool By, long RangeMs);

/// <summary>prompb.Query: the series matching every matcher, samples in [StartMs, EndMs].</summary>
internal sealed record RemoteReadQuery(long StartMs, long EndMs, IReadOnlyList<RemoteReadMatcher> Matchers, RemoteReadHints? Hints);

internal sealed record RemoteReadRequest(IReadOnlyList<RemoteReadQuery> Queries, IReadOnlyList<RemoteReadResponseType> AcceptedResponseTypes)
{
    /// <summary>
    /// Whether the client takes the sampled response, the only one Vigil sends (issue 5): an empty list means
    /// samples, as in Prometheus's remote-read handler, which also picks the first type it supports.
    /// </summary>
    public bool AcceptsSamples => AcceptedResponseTypes.Count == 0 || AcceptedResponseTypes.Contains(RemoteReadResponseType.Samples);
}

/// <summary>
/// Decodes a remote-read request (prometheus/prompb/remote.proto, ReadRequest) from its protobuf bytes, already
/// snappy-decoded. Not a hot path (one request per query), so it builds plain objects; malformed input gives a
/// one-line reason naming the byte and the field, never an exception.
/// </summary>
internal static class ReadRequestDecoder
{
    private const int RequestQueries = 1;
    private const int RequestAcceptedResponseTypes = 2;
    private const int QueryStart = 1;
    private const int QueryEnd = 2;
    private const int QueryMatchers = 3;
    private const int QueryHints = 4;
    private const int MatcherType = 1;
    private const int MatcherName = 2;
    private const int MatcherValue = 3;
    private const int HintsStep = 1;
    private const int HintsFunc = 2;
    private const int HintsStart = 3;
    private const int HintsEnd = 4;
    private const int HintsGrouping = 5;
    private const int HintsBy = 6;
    private const int HintsRange = 7;

    public static bool TryDecode(ReadOnlySpan<byte> protobuf, out RemoteReadRequest? request, out string? error)
    {
        request = null;
        var queries = new List<RemoteReadQuery>();
        var accepted = new List<RemoteReadResponseType>();
        var c = new ProtoCursor(protobuf, 0, protobuf.Length);
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("ReadRequest");
                return false;
            }

            bool ok;
            if (field == RequestQueries)
            {
                ok = TryEmbedded(ref c, wireType, at, out int start, out int end);
                if (ok)
                {
                    if (!TryDecodeQuery(protobuf, start, end, out var query, out error))
                    {
                        return false;
                    }

                    queries.Add(query!);
                }
            }
            else if (field == RequestAcceptedResponseTypes)
            {
                ok = TryReadEnums(ref c, protobuf, wireType, at, accepted);
            }
            else
            {
                ok = c.TrySkip(wireType);
            }

            if (!ok)
            {
                error = c.Describe(field == RequestQueries ? "ReadRequest.queries" : field == RequestAcceptedResponseTypes ? "ReadRequest.accepted_response_types" : "ReadRequest");
                return false;
            }
        }

        request = new RemoteReadRequest(queries, accepted);
        error = null;
        return true;
    }

    private static bool TryDecodeQuery(ReadOnlySpan<byte> buf, int start, int end, out RemoteReadQuery? query, out string? error)
    {
        query = null;
        long startMs = 0, endMs = 0;
        var matchers = new List<RemoteReadMatcher>();
        RemoteReadHints? hints = null;
        var c = new ProtoCursor(buf, start, end);
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("Query");
                return false;
            }

            bool ok;
            switch (field)
            {
                case QueryStart:
                    ok = TryInt64(ref c, wireType, at, out startMs);
                    break;
                case QueryEnd:
                    ok = TryInt64(ref c, wireType, at, out endMs);
                    break;
                case QueryMatchers:
                    ok = TryEmbedded(ref c, wireType, at, out int ms, out int me);
                    if (ok)
                    {
                        if (!TryDecodeMatcher(buf, ms, me, out var matcher, out error))
                        {
                            return false;
                        }

                        matchers.Add(matcher!);
                    }

                    break;
                case QueryHints:
                    ok = TryEmbedded(ref c, wireType, at, out int hs, out int he);
                    if (ok && !TryDecodeHints(buf, hs, he, out hints, out error))
                    {
                        return false;
                    }

                    break;
                default:
                    ok = c.TrySkip(wireType);
                    break;
            }

            if (!ok)
            {
                error = c.Describe("Query");
                return false;
            }
        }

        query = new RemoteReadQuery(startMs, endMs, matchers, hints);
        error = null;
        return true;
    }

    private static bool TryDecodeMatcher(ReadOnlySpan<byte> buf, int start, int end, out RemoteReadMatcher? matcher, out string? error)
    {
        matcher = null;
        ulong type = 0;
        string name = "", value = "";
        var c = new ProtoCursor(buf, start, end);
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("LabelMatcher");
                return false;
            }

            bool ok = field switch
            {
                MatcherType => wireType == ProtoCursor.WireVarint ? c.TryReadVarint(out type) : c.WrongWireType(at),
                MatcherName => TryString(ref c, buf, wireType, at, out name),
                MatcherValue => TryString(ref c, buf, wireType, at, out value),
                _ => c.TrySkip(wireType),
            };
            if (!ok)
            {
                error = c.Describe("LabelMatcher");
                return false;
            }
        }

        if (type > (ulong)RemoteMatchType.RegexNoMatch)
        {
            error = FormattableString.Invariant($"LabelMatcher.type {type} is not one of EQ, NEQ, RE, NRE");
            return false;
        }

        matcher = new RemoteReadMatcher((RemoteMatchType)type, name, value);
        error = null;
        return true;
    }

    private static bool TryDecodeHints(ReadOnlySpan<byte> buf, int start, int end, out RemoteReadHints? hints, out string? error)
    {
        hints = null;
        long step = 0, hintStart = 0, hintEnd = 0, range = 0;
        ulong by = 0;
        string func = "";
        var grouping = new List<string>();
        var c = new ProtoCursor(buf, start, end);
        while (c.HasMore)
        {
            int at = c.Position;
            if (!c.TryReadTag(out int field, out int wireType))
            {
                error = c.Describe("ReadHints");
                return false;
            }

            string group = "";
            bool ok = field switch
            {
                HintsStep => TryInt64(ref c, wireType, at, out step),
                HintsFunc => TryString(ref c, buf, wireType, at, out func),
                HintsStart => TryInt64(ref c, wireType, at, out hintStart),
                HintsEnd => TryInt64(ref c, wireType, at, out hintEnd),
                HintsGrouping => TryString(ref c, buf, wireType, at, out group),
                HintsBy => wireType == ProtoCursor.WireVarint ? c.TryReadVarint(out by) : c.WrongWireType(at),
                HintsRange => TryInt64(ref c, wireType, at, out range),
                _ => c.TrySkip(wireType),
            };
            if (!ok)
            {
                error = c.Describe("ReadHints");
                return false;
            }

            if (field == HintsGrouping)
            {
                grouping.Add(group);
            }
        }

        hints = new RemoteReadHints(step, func, hintStart, hintEnd, grouping, by != 0, range);
        error = null;
        return true;
    }

    // A repeated enum arrives packed (proto3's default) or, from older encoders, one varint per tag.
    private static bool TryReadEnums(ref ProtoCursor c, ReadOnlySpan<byte> buf, int wireType, int at, List<RemoteReadResponseType> into)
    {
        if (wireType == ProtoCursor.WireVarint)
        {
            if (!c.TryReadVarint(out ulong one))
            {
                return false;
            }

            into.Add((RemoteReadResponseType)(int)Math.Min(one, int.MaxValue));
            return true;
        }

        if (!TryEmbedded(ref c, wireType, at, out int start, out int end))
        {
            return false;
        }

        var packed = new ProtoCursor(buf, start, end);
        while (packed.HasMore)
        {
            if (!packed.TryReadVarint(out ulong value))
            {
                return false;
            }

            into.Add((RemoteReadResponseType)(int)Math.Min(value, int.MaxValue));
        }

        return true;
    }

    private static bool TryInt64(ref ProtoCursor c, int wireType, int at, out long value)
    {
        value = 0;
        if (wireType != ProtoCursor.WireVarint)
        {
            return c.WrongWireType(at);
        }

        if (!c.TryReadVarint(out ulong raw))
        {
            return false;
        }

        value = unchecked((long)raw);
        return true;
    }

    private static bool TryString(ref ProtoCursor c, ReadOnlySpan<byte> buf, int wireType, int at, out string value)
    {
        value = "";
        if (!TryEmbedded(ref c, wireType, at, out int start, out int end))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(buf[start..end]);
        return true;
    }

    private static bool TryEmbedded(ref ProtoCursor c, int wireType, int at, out int start, out int end)
    {
        start = end = 0;
        if (wireType != ProtoCursor.WireLength)
        {
            return c.WrongWireType(at);
        }

        if (!c.TryReadLengthDelimited(out start, out int length))
        {
            return false;
        }

        end = start + length;
        return true;
    }
}
