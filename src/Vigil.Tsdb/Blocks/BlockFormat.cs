// The on-disk block, laid out as Prometheus lays it out (tsdb/docs/format/README.md, index.md, chunks.md), so
// those documents describe Vigil's files byte for byte, except where listed below. A block is one directory:
//
//   <data>/tsdb/<ulid>/meta.json          what the block holds (BlockMeta)
//   <data>/tsdb/<ulid>/chunks/000001 ...  chunk segments (chunks.md)
//   <data>/tsdb/<ulid>/index              symbols, series, postings, postings offset table, TOC (index.md)
//
// Chunk segment: magic 0x85BD40DD (4 bytes, big-endian), version 1 (1 byte), 3 zero bytes; then chunks, each
// len <uvarint> (of data), encoding <1 byte>, data, CRC32-C of encoding and data (4 bytes, big-endian). At most
// 512 MiB a segment (Prometheus's DefaultChunkSegmentSize); a chunk never spans segments. A chunk ref is
// segment << 32 | offset, where segment is the 0-based position of the file in name order (000001 is 0) and
// offset is where the chunk's len starts, as Prometheus's chunks.Writer hands them out.
//
// Index (format version 2): magic 0xBAAAD700, version 2, then:
// - symbol table: len <4b>, #symbols <4b>, each string as len <uvarint> + UTF-8, sorted by bytes, CRC32-C;
// - series, each starting at a multiple of 16 so that its ref is offset / 16 (the order of refs is the order of
//   label sets): len <uvarint>, #labels, (name symbol, value symbol) pairs, #chunks, then per chunk mint, maxt
//   and ref, delta-encoded as index.md shows (first chunk: mint varint, maxt - mint uvarint, ref uvarint; next:
//   mint - previous maxt uvarint, maxt - mint uvarint, ref - previous ref varint), CRC32-C of what len covers;
// - postings, one list per label pair and first the list of every series under the empty pair ("", ""): len <4b>,
//   #entries <4b>, series refs <4b each>, CRC32-C;
// - postings offset table: len <4b>, #entries <4b>, per entry 2 <1b>, name and value as len <uvarint> + bytes,
//   offset of the list <uvarint>, sorted by name then value (bytes), CRC32-C;
// - TOC: 6 offsets <8b each> (symbols, series, label indices, label offset table, postings, postings offset table)
//   and its CRC32-C. Fixed-size integers are big-endian throughout; every "len" counts the bytes before the CRC.
//
// Where Vigil differs from Prometheus, and why:
// 1. No label indices and no label offset table: index.md says "This is no longer used", and version-2 readers
//    (Prometheus's among them) answer label names and values from the postings offset table. Their TOC entries
//    are 0, which index.md defines as "the section does not exist".
// 2. No tombstones file: Vigil has no delete API yet. Prometheus reads a missing tombstones file as "none".
// 3. Chunks are XOR (encoding 1, Prometheus's) or vigil-decimal (0x80, VigilChunkEncoder), which Prometheus's
//    readers refuse: storage.block_chunk_encoding picks (vigil by default, for issue 5's bytes per sample; xor
//    for blocks read by Prometheus's tools). Any other encoding is reported as unsupported, naming file and offset.
// 4. Series are ordered by Labels.Compare (ordinal UTF-16), Prometheus's by bytes (UTF-8). They agree unless a
//    label holds characters above U+FFFF next to ones in U+E000..U+FFFF; the reader re-sorts a block that
//    disagrees, so query results stay sorted either way.
// 5. The reader loads the whole symbol table (as strings shared by every series it decodes) and the whole postings
//    offset table into memory; Prometheus keeps every 32nd entry and reads the rest from the mapping. Simpler, and
//    it makes label values free to list, at the cost of memory proportional to the distinct strings.
// 6. Index files are limited to 2 GiB (offsets are ints, spans over the mapping have int lengths); Prometheus's
//    limit is 64 GiB (series refs of 32 bits, times 16). A 2-hour block of a million series is far below it.
// 7. meta.json has Prometheus's fields (version 1) minus numTombstones and the float/histogram sample split; a
//    compacted block lists its parents as Prometheus does, and a block named in another block's sources or
//    parents is superseded and deleted at open (Prometheus checks parents only).
// 8. Out-of-order samples of a range go into that range's block, merged in time order. Prometheus writes them
//    into separate, overlapping blocks and merges those by vertical compaction, which Vigil does not do.
namespace Vigil.Tsdb.Blocks;

/// <summary>Names, magic numbers and sizes of the block format (this file's header documents the layout).</summary>
internal static class BlockFormat
{
    public const string MetaFileName = "meta.json";
    public const string IndexFileName = "index";
    public const string ChunksDirectoryName = "chunks";

    /// <summary>Suffix of a block being written; whatever carries it at open is the remains of a crash.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Suffix a block directory is renamed to before it is deleted, so a crash never leaves half a block under its own name.</summary>
    public const string DeletingSuffix = ".tmp-for-deletion";

    /// <summary>meta.json's <c>version</c>, as Prometheus writes it (<c>metaVersion1</c>).</summary>
    public const int MetaVersion = 1;

    public const uint ChunksMagic = 0x85BD40DD;
    public const byte ChunksVersion = 1;

    /// <summary>Magic, version and three bytes of padding.</summary>
    public const int ChunkSegmentHeaderSize = 8;

    /// <summary>Prometheus's <c>DefaultChunkSegmentSize</c>: 512 MiB.</summary>
    public const long DefaultChunkSegmentSize = 512L * 1024 * 1024;

    public const uint IndexMagic = 0xBAAAD700;

    /// <summary>Prometheus's <c>FormatV2</c>: series refs are offset / 16, symbol refs are positions.</summary>
    public const byte IndexVersion = 2;

    public const int IndexHeaderSize = 5;

    /// <summary>Six 8-byte offsets and a CRC.</summary>
    public const int TocSize = (6 * 8) + 4;

    /// <summary>Series entries start at multiples of this, and a series ref is its offset divided by it.</summary>
    public const int SeriesAlignment = 16;

    /// <summary>The label pair the list of every series is filed under (Prometheus's <c>allPostingsKey</c>).</summary>
    public const string AllPostingsName = "";

    /// <summary>File name of a chunk segment: its 1-based sequence number in six digits (Prometheus's <c>%0.6d</c>).</summary>
    public static string SegmentFileName(int index) =>
        (index + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The chunk ref of a chunk at <paramref name="offset"/> in segment <paramref name="segment"/> (0-based).</summary>
    public static ulong ChunkRef(int segment, long offset) => ((ulong)(uint)segment << 32) | (uint)offset;
}
