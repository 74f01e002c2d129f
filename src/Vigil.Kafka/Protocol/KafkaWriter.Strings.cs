using System.Text;

namespace Vigil.Kafka;

/// <summary>Strings, bytes and array lengths, classic (int16/int32 length) or compact (unsigned varint length + 1).</summary>
internal sealed partial class KafkaWriter
{
    /// <summary>A non-null string: int16 length (classic) or unsigned varint length+1 (compact), then UTF-8.</summary>
    public void WriteString(string value, bool compact)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteNullableString(value, compact);
    }

    /// <summary>A nullable string: null is length -1 (classic) or 0 (compact).</summary>
    public void WriteNullableString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, classicInt16: true);
            return;
        }

        var bytes = Utf8Length(value);
        if (bytes > short.MaxValue)
        {
            throw new ArgumentException($"string of {bytes} bytes is longer than Kafka's limit of {short.MaxValue}", nameof(value));
        }

        WriteLength(bytes, compact, classicInt16: true);
        Encoding.UTF8.GetBytes(value, Grow(bytes));
    }

    /// <summary>Bytes: int32 length (classic) or unsigned varint length+1 (compact).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, bool compact)
    {
        WriteLength(value.Length, compact, classicInt16: false);
        value.CopyTo(Grow(value.Length));
    }

    /// <summary>The length of an array that follows: int32 (classic) or unsigned varint count+1 (compact); -1 = null.</summary>
    public void WriteArrayLength(int count, bool compact) => WriteLength(count, compact, classicInt16: false);

    public void WriteStringArray(IReadOnlyCollection<string> values, bool compact)
    {
        WriteArrayLength(values.Count, compact);
        foreach (var value in values)
        {
            WriteString(value, compact);
        }
    }

    public void WriteInt32Array(IReadOnlyCollection<int> values, bool compact)
    {
        WriteArrayLength(values.Count, compact);
        foreach (var value in values)
        {
            WriteInt32(value);
        }
    }

    /// <summary>Ends a structure of a flexible version with its (empty) tagged fields; nothing in classic ones.</summary>
    public void EndStruct(bool flexible)
    {
        if (flexible)
        {
            WriteEmptyTaggedFields();
        }
    }

    private void WriteLength(int length, bool compact, bool classicInt16)
    {
        if (compact)
        {
            WriteUnsignedVarint((uint)(length + 1));
        }
        else if (classicInt16)
        {
            WriteInt16((short)length);
        }
        else
        {
            WriteInt32(length);
        }
    }
}
