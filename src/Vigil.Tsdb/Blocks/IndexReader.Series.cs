using Vigil.Tsdb.Storage;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A decoded series entry: its labels as symbol refs and its chunk metas. Reused from one series to the next, so
/// that scanning a block's series allocates only for the label sets a caller asks for.
/// </summary>
internal sealed class SeriesEntry
{
    private uint[] _labelRefs = new uint[32];
    private ChunkMeta[] _chunks = new ChunkMeta[8];

    public int LabelCount { get; private set; }

    public ReadOnlySpan<ChunkMeta> Chunks => _chunks.AsSpan(0, ChunkCount);

    public int ChunkCount { get; private set; }

    /// <summary>Name and value symbol refs, alternating.</summary>
    internal ReadOnlySpan<uint> LabelRefs => _labelRefs.AsSpan(0, 2 * LabelCount);

    /// <summary>Whether a chunk holds samples that may fall in [<paramref name="mint"/>, <paramref name="maxt"/>].</summary>
    public bool Overlaps(long mint, long maxt)
    {
        foreach (var chunk in Chunks)
        {
            if (chunk.MinTime <= maxt && chunk.MaxTime >= mint)
            {
                return true;
            }
        }

        return false;
    }

    internal void ResetLabels(int labelCount)
    {
        if (_labelRefs.Length < 2 * labelCount)
        {
            _labelRefs = new uint[2 * labelCount];
        }

        (LabelCount, ChunkCount) = (labelCount, 0);
    }

    internal void ResetChunks(int chunkCount)
    {
        if (_chunks.Length < chunkCount)
        {
            _chunks = new ChunkMeta[Math.Max(chunkCount, _chunks.Length * 2)];
        }

        ChunkCount = chunkCount;
    }

    internal void SetLabel(int index, uint name, uint value) => (_labelRefs[2 * index], _labelRefs[(2 * index) + 1]) = (name, value);

    internal void SetChunk(int index, ChunkMeta meta) => _chunks[index] = meta;
}

/// <summary>Series entries (index.md, "Series"): read by ref, checked against their CRC, decoded into a <see cref="SeriesEntry"/>.</summary>
internal sealed partial class IndexReader
{
    /// <summary>Decodes the series with ref <paramref name="seriesRef"/> (its offset / 16) into <paramref name="entry"/>.</summary>
    public void ReadSeries(ulong seriesRef, SeriesEntry entry)
    {
        var bytes = _memory.Span;
        ulong offset = seriesRef * BlockFormat.SeriesAlignment;
        if (seriesRef == 0 || offset >= (ulong)bytes.Length)
        {
            throw new CorruptBlockException(Path, (long)Math.Min(offset, long.MaxValue), $"series ref {seriesRef} points outside the file");
        }

        int start = (int)offset;
        if (!Varint.TryReadUvarint(bytes[start..], out ulong length, out int lengthBytes) || length > (ulong)(bytes.Length - start - lengthBytes - 4))
        {
            throw new CorruptBlockException(Path, start, "series entry length runs past the end of the file");
        }

        var body = bytes.Slice(start + lengthBytes, (int)length);
        uint stored = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[(start + lengthBytes + (int)length)..]);
        if (Crc32C.Compute(body) != stored)
        {
            throw new CorruptBlockException(Path, start, "series entry CRC mismatch");
        }

        var reader = new DecodeReader(body, Path, start + lengthBytes);
        int labelCount = reader.ReadCount(2);
        entry.ResetLabels(labelCount);
        for (int i = 0; i < labelCount; i++)
        {
            long at = reader.FileOffset;
            ulong name = reader.ReadUvarint();
            ulong value = reader.ReadUvarint();
            if (name >= (ulong)_symbols.Length || value >= (ulong)_symbols.Length)
            {
                throw new CorruptBlockException(Path, at, $"symbol ref {Math.Max(name, value)} is past the {_symbols.Length} symbols");
            }

            entry.SetLabel(i, (uint)name, (uint)value);
        }

        int chunkCount = reader.ReadCount(3);
        entry.ResetChunks(chunkCount);
        long previousMax = 0;
        ulong previousRef = 0;
        for (int i = 0; i < chunkCount; i++)
        {
            long mint = i == 0 ? reader.ReadVarint() : previousMax + (long)reader.ReadUvarint();
            long maxt = mint + (long)reader.ReadUvarint();
            ulong chunkRef = i == 0 ? reader.ReadUvarint() : (ulong)((long)previousRef + reader.ReadVarint());
            entry.SetChunk(i, new ChunkMeta(mint, maxt, chunkRef));
            (previousMax, previousRef) = (maxt, chunkRef);
        }
    }

    /// <summary>The labels of a decoded entry, as strings shared with the symbol table.</summary>
    public Labels LabelsOf(SeriesEntry entry)
    {
        var refs = entry.LabelRefs;
        var labels = new Label[entry.LabelCount];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = new Label(_symbols[refs[2 * i]], _symbols[refs[(2 * i) + 1]]);
        }

        try
        {
            return Labels.FromOwnedArray(labels);
        }
        catch (ArgumentException e)
        {
            throw new CorruptBlockException(Path, 0, "a series has invalid labels: " + e.Message, e);
        }
    }
}
