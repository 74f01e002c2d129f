using System.Globalization;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A block file that does not read as the format says: a bad magic number, version or CRC, or a length or
/// reference that points outside the file. The message names the file and the byte offset, so that one line in a
/// log says which block to move away (CONVENTIONS.md, "Fail fast only at start-up").
/// </summary>
internal sealed class CorruptBlockException : IOException
{
    public CorruptBlockException(string file, long offset, string detail)
        : base(string.Create(CultureInfo.InvariantCulture, $"corrupt block file {file} at offset {offset}: {detail}"))
    {
        (File, Offset) = (file, offset);
    }

    public CorruptBlockException(string file, long offset, string detail, Exception inner)
        : base(string.Create(CultureInfo.InvariantCulture, $"corrupt block file {file} at offset {offset}: {detail}"), inner)
    {
        (File, Offset) = (file, offset);
    }

    public string File { get; }

    public long Offset { get; }
}
