using System.Text;

namespace Vigil.Kafka;

/// <summary>Strings, bytes and arrays, classic or compact.</summary>
internal ref partial struct KafkaReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A topic name: a non-null string, taken from the client's <see cref="KafkaNameTable"/> when the reader has one,
    /// so names already seen cost no allocation.
    /// </summary>
    public string ReadName(bool compact)
    {
        if (names is null)
        {
            return ReadString(compact);
        }

        var start = _position;
        int length = compact ? (int)ReadUnsignedVarint() - 1 : ReadInt16();
        if (length < 0)
        {
            Fail($"name length {length} at byte {start}");
        }

        var bytes = Take(length, "string");
        return names.Get(bytes) ?? Decode(bytes, start);
    }

    public string ReadString(bool compact) =>
        ReadNullableString(compact) ?? Fail<string>($"null where a string is required, before byte {_position}");

    public string? ReadNullableString(bool compact)
    {
        var start = _position;
        int length = compact ? (int)ReadUnsignedVarint() - 1 : ReadInt16();
        if (length < -1)
        {
            Fail($"string length {length} at byte {start}");
        }

        if (length == -1)
        {
            return null;
        }

        return Decode(Take(length, "string"), start);
    }

    private readonly string Decode(ReadOnlySpan<byte> bytes, int start)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            Fail($"string at byte {start} is not valid UTF-8");
            return null!;
        }
    }

    /// <summary>Bytes (null reads as empty: no field this client reads distinguishes them).</summary>
    public ReadOnlySpan<byte> ReadBytes(bool compact)
    {
        var start = _position;
        var length = compact ? (long)ReadUnsignedVarint() - 1 : ReadInt32();
        if (length < -1)
        {
            Fail($"bytes length {length} at byte {start}");
        }

        return length == -1 ? default : Take((int)length, "bytes");
    }

    /// <summary>
    /// An array's element count; -1 for a null array. The count is checked against the bytes left, at least
    /// <paramref name="minElementSize"/> each, so a corrupt count fails here instead of allocating.
    /// </summary>
    public int ReadArrayLength(bool compact, int minElementSize = 1)
    {
        var start = _position;
        var count = compact ? (long)ReadUnsignedVarint() - 1 : ReadInt32();
        if (count < -1)
        {
            Fail($"array length {count} at byte {start}");
        }

        if (count * Math.Max(minElementSize, 1) > Remaining)
        {
            Fail($"array of {count} elements at byte {start} exceeds the {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>An array's element count where null is not allowed (read as empty when a broker sends it anyway).</summary>
    public int ReadArrayCount(bool compact, int minElementSize = 1) => Math.Max(ReadArrayLength(compact, minElementSize), 0);

    public int[] ReadInt32Array(bool compact)
    {
        var count = ReadArrayCount(compact, 4);
        var values = count == 0 ? [] : new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadInt32();
        }

        return values;
    }

    public string[] ReadStringArray(bool compact)
    {
        var count = ReadArrayCount(compact);
        var values = count == 0 ? [] : new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadString(compact);
        }

        return values;
    }

    private readonly T Fail<T>(string message)
    {
        Fail(message);
        return default!;
    }
}
