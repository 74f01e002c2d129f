using System.Globalization;
using Vigil.RemoteWrite.Codec;
using Vigil.RemoteWrite.Receive;
using Vigil.RemoteWrite.Tests.Codec;
using Vigil.Wal;

namespace Vigil.RemoteWrite.Tests.Receive;

/// <summary>The receiver's hash-keyed raw-label cache against a real series table (issue 5, RSS per series).</summary>
public sealed class RawLabelsCacheTests
{
    private const int SeriesCount = 2_000;

    [Fact]
    public void Cached_series_resolve_to_their_own_refs()
    {
        var (request, table, cache) = Filled(new RawLabelsCache());
        var series = request.Series;
        for (var i = 0; i < series.Length; i++)
        {
            Assert.True(cache.TryGet(Raw(request, i), request, series[i], table, out var seriesRef));
            Assert.Equal(table.RefAt(i), seriesRef);
        }
    }

    [Fact]
    public void Colliding_hashes_are_told_apart_by_the_tables_labels()
    {
        var (request, table, cache) = Filled(new RawLabelsCache(static _ => 7UL), count: 200);
        var series = request.Series;
        for (var i = 0; i < series.Length; i++)
        {
            Assert.True(cache.TryGet(Raw(request, i), request, series[i], table, out var seriesRef));
            Assert.Equal(table.RefAt(i), seriesRef);
        }
    }

    [Fact]
    public void A_hash_hit_whose_labels_differ_is_a_miss()
    {
        // Every raw key hashes alike, and entry 0 is cached for series 1's raw bytes: the hash matches, the labels do not.
        var (request, table, _) = Filled(new RawLabelsCache(static _ => 7UL), count: 2);
        var cache = new RawLabelsCache(static _ => 7UL);
        cache.Add(Raw(request, 1), 0);
        Assert.False(cache.TryGet(Raw(request, 1), request, request.Series[1], table, out _));
    }

    [Fact]
    public void Adding_the_same_entry_again_does_not_grow_the_cache()
    {
        var (request, _, cache) = Filled(new RawLabelsCache(), count: 10);
        for (var i = 0; i < 10; i++)
        {
            cache.Add(Raw(request, i), i);
        }

        Assert.Equal(10, cache.Count);
    }

    [Fact]
    public void Keeps_no_copy_of_the_labels()
    {
        // The earlier cache copied every raw label set (here ~190 bytes) into its own slabs, ~270 bytes allocated per series
        // with its entry and slots; an entry is now its hash,
        // its table index and a slot, whatever the labels' size.
        var (request, _, _) = Filled(new RawLabelsCache(), count: 1);
        var cache = new RawLabelsCache();
        const int n = 100_000;
        var raw = Raw(request, 0).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(raw.Length - 4), i); // distinct keys, same size
            cache.Add(raw, i);
        }

        var perSeries = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / n;
        Assert.True(perSeries < 80, $"{perSeries:F1} bytes allocated per cached series");
        Assert.True(raw.Length > 150, $"raw labels of {raw.Length} bytes are too small to tell a copy apart");
    }

    private static (DecodedWriteRequest Request, SeriesTable Table, RawLabelsCache Cache) Filled(RawLabelsCache cache, int count = SeriesCount)
    {
        var request = Decode(count);
        var table = new SeriesTable();
        var series = request.Series;
        for (var i = 0; i < series.Length; i++)
        {
            var labels = request.LabelsOf(series[i]);
            var pairs = new (string, string)[labels.Length];
            for (var j = 0; j < labels.Length; j++)
            {
                pairs[j] = (System.Text.Encoding.UTF8.GetString(request.Name(labels[j])), System.Text.Encoding.UTF8.GetString(request.Value(labels[j])));
            }

            table.Add(CanonicalLabels.Encode(pairs), out var index);
            cache.Add(Raw(request, i), index);
        }

        return (request, table, cache);
    }

    private static DecodedWriteRequest Decode(int count)
    {
        var series = Enumerable.Range(0, count).Select(i => Pb.Bytes(
            1,
            Pb.Label("__name__", "node_filesystem_avail_bytes"),
            Pb.Label("device", "/dev/mapper/volume-group-" + (i % 7).ToString(CultureInfo.InvariantCulture)),
            Pb.Label("fstype", "ext4"),
            Pb.Label("instance", "host-" + i.ToString("D5", CultureInfo.InvariantCulture) + ".example.internal:9100"),
            Pb.Label("job", "node"),
            Pb.Label("mountpoint", "/var/lib/some/rather/long/mount/point"),
            Pb.Sample(1, 1000)));
        var request = new DecodedWriteRequest();
        Assert.True(WriteRequestDecoder.TryDecodeV1(Pb.Concat([.. series]), request, out var error), error);
        return request;
    }

    private static ReadOnlySpan<byte> Raw(DecodedWriteRequest request, int i)
    {
        var s = request.Series[i];
        return request.Buffer.Span.Slice(s.RawLabelsOffset, s.RawLabelsLength);
    }
}
