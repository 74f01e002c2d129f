using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Querying;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tools;

/// <summary>
/// <c>vigil tsdb dump</c>: every sample of the selected series in a TSDB directory's blocks, one line each, as
/// <c>promtool tsdb dump</c> prints them: <c>{__name__="up", job="x"} 1 1700000000000</c> (<see cref="PromtoolText"/>).
/// Series are merged across blocks (one series, each timestamp once) and come sorted by labels.
/// </summary>
internal static class TsdbDump
{
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Writes the samples in [<paramref name="mint"/>, <paramref name="maxt"/>] (both inclusive) of the series any of
    /// <paramref name="selectors"/> selects (every series when there are none) to <paramref name="output"/>, and
    /// returns how many lines it wrote.
    /// </summary>
    public static long Write(BlockDirectory blocks, IReadOnlyList<SeriesSelector> selectors, long mint, long maxt, Stream output)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(selectors);
        ArgumentNullException.ThrowIfNull(output);
        using var querier = blocks.Querier();
        using var set = Select(querier, selectors, mint, maxt);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int used = 0;
            long lines = 0;
            ISampleIterator? iterator = null;
            while (set.MoveNext())
            {
                byte[] labels = Encoding.UTF8.GetBytes(PromtoolText.FormatLabels(set.Current.Labels) + " ");
                iterator = set.Current.Iterator(iterator);
                while (iterator.Next())
                {
                    if (buffer.Length - used < labels.Length + PromtoolText.MaxValueLength + 24)
                    {
                        output.Write(buffer, 0, used);
                        used = 0;
                        if (buffer.Length < labels.Length + PromtoolText.MaxValueLength + 24)
                        {
                            // A label set longer than the buffer (only a pathological series has one): a buffer that fits it.
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = ArrayPool<byte>.Shared.Rent(labels.Length + BufferSize);
                        }
                    }

                    var (t, v) = iterator.At();
                    labels.CopyTo(buffer, used);
                    used += labels.Length;
                    used += PromtoolText.FormatValue(v, buffer.AsSpan(used));
                    buffer[used++] = (byte)' ';
                    Utf8Formatter.TryFormat(t, buffer.AsSpan(used), out int written);
                    used += written;
                    buffer[used++] = (byte)'\n';
                    lines++;
                }
            }

            output.Write(buffer, 0, used);
            output.Flush();
            return lines;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One select per selector, merged: several selectors are an OR, as promtool's repeated <c>--match</c>.</summary>
    private static ISeriesSet Select(IQuerier querier, IReadOnlyList<SeriesSelector> selectors, long mint, long maxt)
    {
        if (selectors.Count == 0)
        {
            return querier.Select(mint, maxt, null);
        }

        var sets = new List<ISeriesSet>(selectors.Count);
        try
        {
            foreach (var selector in selectors)
            {
                sets.Add(querier.Select(mint, maxt, null, [.. selector.Matchers]));
            }
        }
        catch
        {
            sets.ForEach(s => s.Dispose());
            throw;
        }

        return sets.Count == 1 ? sets[0] : new MergeSeriesSet([.. sets]);
    }
}
