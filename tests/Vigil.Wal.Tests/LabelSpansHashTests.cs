using System.Text;
using Vigil.Common.Hashing;

namespace Vigil.Wal.Tests;

/// <summary>
/// The receiver finds known series by hashing their labels where they lie in a request (issue 5: no copy and no
/// second table); that hash must equal the one of the canonical encoding the table was filled with.
/// </summary>
public sealed class LabelSpansHashTests
{
    [Fact]
    public void Hashing_label_spans_equals_hashing_their_canonical_encoding()
    {
        var random = new Random(11);
        var table = new SeriesTable();
        for (int round = 0; round < 2_000; round++)
        {
            // Names and values from empty to 300 bytes (two-byte varint lengths), any number of labels up to 12.
            var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
            int count = random.Next(0, 13);
            while (pairs.Count < count)
            {
                pairs[Text(random, 1, round % 50 == 0 ? 300 : 20)] = Text(random, 0, round % 7 == 0 ? 300 : 30);
            }

            var labels = pairs.Select(static p => (p.Key, p.Value)).ToArray();
            byte[] canonical = CanonicalLabels.Encode(labels);
            var spans = new Spans(labels);
            Assert.Equal(Hash128.Hash(canonical), SeriesTable.HashLabels(spans));

            ulong seriesRef = table.Add(canonical);
            var (h1, h2) = SeriesTable.HashLabels(spans);
            Assert.True(table.TryGet(h1, h2, out ulong found), $"round {round}");
            Assert.Equal(seriesRef, found);
        }
    }

    [Fact]
    public void Labels_out_of_order_do_not_find_the_sorted_set()
    {
        var table = new SeriesTable();
        table.Add(CanonicalLabels.Encode(("__name__", "up"), ("job", "node")));
        var (h1, h2) = SeriesTable.HashLabels(new Spans([("job", "node"), ("__name__", "up")]));
        Assert.False(table.TryGet(h1, h2, out _));
    }

    private static string Text(Random random, int min, int max)
    {
        var chars = new char[random.Next(min, max + 1)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)random.Next('a', 'z' + 1);
        }

        return new string(chars);
    }

    private readonly struct Spans((string Name, string Value)[] labels) : ILabelSpans
    {
        private readonly byte[][] _bytes = [.. labels.SelectMany(static l => new[] { Encoding.UTF8.GetBytes(l.Name), Encoding.UTF8.GetBytes(l.Value) })];

        public int Count => _bytes.Length / 2;

        public ReadOnlySpan<byte> Name(int index) => _bytes[2 * index];

        public ReadOnlySpan<byte> Value(int index) => _bytes[(2 * index) + 1];
    }
}
